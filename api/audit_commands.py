"""`ledger audit …` and `ledger verify`: the event log as auditors read it."""

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import click

from api.cli_support import Moment, ledger_services
from api.schemas import AuditEntrySchema, ExportedEntrySchema, TenantAdminView
from application.audit import AuditEntry, TenantAsOf, TenantAudit, format_timestamp

PROGRESS_EVERY = 10_000


class _TenantOrSubcommand(click.Group):
    """`ledger audit TENANT_ID …` reads as `ledger audit show TENANT_ID …`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_TenantOrSubcommand)
def audit() -> None:
    """A tenant's credential history (`ledger audit TENANT_ID`), or every event (`export`)."""


@audit.command("show")
@click.argument("tenant_id", type=click.UUID)
@click.option("--at", "at", type=Moment(), help="Show the tenant as it stood at this moment.")
@click.option("--from", "start", type=Moment(), help="With --to: what changed after this moment.")
@click.option("--to", "end", type=Moment(), help="With --from: ...up to this moment.")
@click.option("--json", "as_json", is_flag=True, help="JSON for machines instead of a table.")
def show(
    tenant_id: UUID,
    at: datetime | None,
    start: datetime | None,
    end: datetime | None,
    as_json: bool,
) -> None:
    """A tenant's events in order: version, type, time, actor, details."""
    if (start is None) != (end is None):
        raise click.UsageError("--from and --to go together")
    with ledger_services(read_only=True) as services:
        tenant_audit = services.audit
        if at is not None:
            _print_state(tenant_audit.state_at(tenant_id, at), as_json)
            return
        if start is not None and end is not None:
            entries = tenant_audit.changes_between(tenant_id, start, end)
        else:
            entries = _all_history(tenant_audit, tenant_id)
        _print_entries(entries, as_json)


@audit.command("export")
@click.option("--since", type=Moment(), help="Only events at or after this moment.")
def export(since: datetime | None) -> None:
    """Every event of every tenant as JSON Lines on stdout, in the order recorded."""
    count = 0
    with ledger_services(read_only=True) as services:
        for entry in services.audit.export(since=since):
            sys.stdout.write(json.dumps(ExportedEntrySchema().dump(entry)) + "\n")
            count += 1
            if count % PROGRESS_EVERY == 0:
                click.echo(f"exported {count} events", err=True)
    click.echo(f"exported {count} events", err=True)


@audit.command("failed-logins")
@click.argument("tenant_id", type=click.UUID)
@click.option("--since", type=Moment(), help="Default: 7 days ago.")
def failed_logins(tenant_id: UUID, since: datetime | None) -> None:
    """Failed login attempts on a tenant, per hour, with the client IPs seen."""
    since = since or datetime.now(tz=UTC) - timedelta(days=7)
    with ledger_services(read_only=True) as services:
        windows = services.audit.failed_logins(tenant_id, since=since)
    click.echo(f"{'hour (UTC)':<24}  {'attempts':>8}  client IPs")
    for window in windows:
        ips = ", ".join(window.client_ips)
        click.echo(f"{format_timestamp(window.window_start):<24}  {window.attempts:>8}  {ips}")


@click.command()
def verify() -> None:
    """Recompute every tenant's chain of event digests; exit 1 at the first broken link."""
    with ledger_services(read_only=True) as services:
        result = services.audit.verify()
    checked = (
        f"{result.events_checked} events, {result.snapshots_checked} snapshots, "
        f"{result.tenants_checked} tenants checked"
    )
    if result.broken is None:
        click.echo(f"intact: {checked}")
        return
    click.echo(
        f"BROKEN: tenant {result.broken.tenant_id} version {result.broken.version}: "
        f"{result.broken.reason} ({checked})"
    )
    raise SystemExit(1)


def state_document(state: TenantAsOf) -> dict[str, Any]:
    return TenantAdminView().dump({**asdict(state.tenant), "as_of": state.at})


def _all_history(tenant_audit: TenantAudit, tenant_id: UUID) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    while page := tenant_audit.history(
        tenant_id, after_version=entries[-1].version if entries else 0, limit=500
    ):
        entries += page
    return entries


def _print_entries(entries: list[AuditEntry], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(AuditEntrySchema(many=True).dump(entries), indent=2))
        return
    click.echo(f"{'version':>7}  {'occurred at':<24}  {'type':<16}  {'actor':<16}  details")
    for entry in entries:
        details = ", ".join(f"{key}={value}" for key, value in entry.details.items())
        click.echo(
            f"{entry.version:>7}  {format_timestamp(entry.occurred_at):<24}  "
            f"{entry.type:<16}  {entry.actor:<16}  {details}"
        )


def _print_state(state: TenantAsOf, as_json: bool) -> None:
    document = state_document(state)
    if as_json:
        click.echo(json.dumps(document, indent=2))
        return
    for key, value in sorted(document.items()):
        click.echo(f"{key:<18} {value}")
