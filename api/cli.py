"""The `ledger` command line."""

import dataclasses
import getpass
import json
import logging
import os
import re
import sys
from datetime import timedelta
from uuid import UUID

import click
import psycopg
from eventsourcing.persistence import PersistenceError
from marshmallow import ValidationError

from api.audit_commands import audit, verify
from api.cli_support import fail, ledger_services
from api.logs import configure_logging
from api.projection_commands import projections
from api.schemas import IssuedCredentialsResponse, RegisterTenantRequest, credentials_body
from application.results import IssuedCredentials
from infrastructure.clock import SystemClock
from infrastructure.keys import (
    JWKS_MAX_AGE_SECONDS,
    RotatingKeys,
    load_signing_key,
    rotate_signing_key,
    signing_keys_directory,
)
from infrastructure.services import build_services
from infrastructure.settings import ConfigurationError, Settings

logger = logging.getLogger("ledger")
ACTOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}")


def main() -> None:
    configure_logging()
    try:
        cli(standalone_mode=True)
    except ConfigurationError as error:
        click.echo(f"configuration error: {error}", err=True)
        sys.exit(2)
    except (PersistenceError, psycopg.Error) as error:
        reason = " ".join(str(error).split())
        click.echo(f"error: the database cannot be used ({reason})", err=True)
        sys.exit(2)


@click.group()
def cli() -> None:
    """Tenant Ledger: tenant credentials and tokens, kept as events."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 lets the system pick a free port (logged as 'Listening at').",
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--projector/--no-projector",
    default=True,
    show_default=True,
    help="Also run the projector process (run exactly one per database).",
)
def serve(host: str, port: int, workers: int, projector: bool) -> None:
    """Serve the HTTP API with gunicorn."""
    from api.server import serve as run_server

    settings = Settings.from_environ()
    if not os.environ.get("LEDGER_ISSUER"):
        settings = dataclasses.replace(settings, issuer=f"http://{host}:{port}")
    # Once, before the fork: fail here with a clear message rather than in every worker, and
    # create keys and tables before several workers race to (the library's table creation
    # is not safe to run concurrently).
    build_services(settings).close()
    sys.exit(run_server(settings, host=host, port=port, workers=workers, projector=projector))


@cli.group()
def admin() -> None:
    """Platform admins."""


@admin.command("create-token")
@click.argument("name")
def create_token(name: str) -> None:
    """Create an admin token for NAME and print it (it is stored only as a hash)."""
    with ledger_services() as services:
        click.echo(services.ledger.create_admin_token(name))


@cli.group()
def tenants() -> None:
    """Register tenants and rotate their secrets."""


def _default_actor() -> str:
    return f"cli:{getpass.getuser()}"


def _actor(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not ACTOR.fullmatch(value):
        raise click.BadParameter("1 to 100 letters, digits or . _ @ : - (no spaces)")
    return value


@tenants.command("register")
@click.option("--app-name", required=True)
@click.option("--contact-email", required=True)
@click.option("--webhook-url", required=True)
@click.option("--environment", type=click.Choice(["production", "staging"]), required=True)
@click.option("--sandbox/--no-sandbox", default=False, show_default=True)
@click.option(
    "--actor",
    default=_default_actor,
    callback=_actor,
    help="Recorded as who registered the tenant.",
)
def register(
    app_name: str,
    contact_email: str,
    webhook_url: str,
    environment: str,
    sandbox: bool,
    actor: str,
) -> None:
    """Register a tenant; prints its credentials as JSON (the secret is shown only now)."""
    try:
        registration = RegisterTenantRequest().load(
            {
                "appName": app_name,
                "contactEmail": contact_email,
                "webhookUrl": webhook_url,
                "environment": environment,
                "sandbox": sandbox,
            }
        )
    except ValidationError as error:
        fail(f"invalid registration: {json.dumps(error.messages)}")
    with ledger_services() as services:
        issued = services.ledger.register_tenant(**registration, actor=actor)
        _print_credentials(issued)


@tenants.command("rotate-secret")
@click.argument("tenant_id", type=click.UUID)
@click.option(
    "--actor", default=_default_actor, callback=_actor, help="Recorded as who rotated the secret."
)
def rotate_secret(tenant_id: UUID, actor: str) -> None:
    """Give a tenant a new secret; prints it as JSON (shown only now)."""
    with ledger_services() as services:
        _print_credentials(services.ledger.rotate_secret(tenant_id, actor=actor))


def _print_credentials(issued: IssuedCredentials) -> None:
    payload = IssuedCredentialsResponse().dump(credentials_body(issued))
    click.echo(json.dumps(payload, indent=2, sort_keys=True))


@cli.group()
def keys() -> None:
    """Token signing keys."""


@keys.command("rotate")
@click.option(
    "--activate-in",
    default=600,
    show_default=True,
    type=click.IntRange(JWKS_MAX_AGE_SECONDS, 7 * 24 * 3600),
    help="Seconds before the new key signs; until then it is only published in the JWKS, "
    "so verifiers that cache the JWKS (5 minutes) know it before they see it.",
)
@click.option(
    "--now",
    is_flag=True,
    help="Sign with the new key at once (after a compromise): verifiers with a cached JWKS "
    "refuse new tokens for up to 5 minutes.",
)
def rotate_key(activate_in: int, now: bool) -> None:
    """Add a new signing key. The old one verifies until its last token has expired."""
    activate_in = 0 if now else activate_in
    settings = Settings.from_environ()
    key = rotate_signing_key(
        settings, activate_in=timedelta(seconds=activate_in), clock=SystemClock()
    )
    click.echo(f"added key {key.kid}; it signs from {activate_in} s from now")


@keys.command("list")
def list_keys() -> None:
    """Every signing key, with when it signs and whether it is retired."""
    settings = Settings.from_environ()
    ring = RotatingKeys(load_signing_key(settings), signing_keys_directory(settings), SystemClock())
    for key, activation, state in ring.states():
        since = "always" if activation.timestamp() == 0 else activation.isoformat()
        click.echo(f"{key.kid}  from {since:<25}  {state}")


cli.add_command(projections)
cli.add_command(audit)
cli.add_command(verify)


if __name__ == "__main__":
    main()
