"""Loading one tenant that has many events: through the repository (latest snapshot plus the
events after it) against replaying every event from the start."""

import time
from uuid import UUID

from eventsourcing.application import project_aggregate

from application.ledger import TenantLedger
from benchmarks import report
from benchmarks.databases import Database
from benchmarks.ledger_app import RunningLedger
from benchmarks.timing import Deadline, median_seconds_per_op
from domain.tenant import Tenant

LOAD_REPEATS = 30
REPLAY_REPEATS = 5


def run(ledger: RunningLedger, database: Database, *, logins: int, deadline: Deadline) -> None:
    """Log a fresh tenant in `logins` times (directly, not over HTTP), then load it."""
    report.heading(f"3. Loading a tenant after {logins} logins: {database.name}")
    app = ledger.services.ledger
    tenant = ledger.register_tenant()
    started = time.perf_counter()
    done = 0
    while done < logins and not deadline.passed():
        app.login(tenant.app_name, tenant.app_secret, client_ip="127.0.0.1")
        done += 1
    elapsed = time.perf_counter() - started
    if done < logins:
        report.note(f"time budget reached: measuring after {done} logins instead")

    def load(version: int | None = None) -> Tenant:
        return app.get_tenant_aggregate(tenant.tenant_id, version=version)

    def replay() -> Tenant | None:
        return project_aggregate(None, app.events.get(tenant.tenant_id))

    latest = load()
    replayed = replay()
    assert replayed is not None and replayed.version == latest.version
    snapshot = _latest_snapshot_version(app, tenant.tenant_id)
    report.line(f"{done} logins through TenantLedger.login", f"{elapsed:9.1f} s")
    report.line("events of the tenant (aggregate version)", f"{latest.version:9d}")
    report.line("latest snapshot at version", f"{snapshot:9d}")
    with_snapshot = median_seconds_per_op(load, ops=1, repeats=LOAD_REPEATS)
    without_snapshots = median_seconds_per_op(replay, ops=1, repeats=REPLAY_REPEATS)
    report.line(
        f"get_tenant_aggregate: snapshot + {latest.version - snapshot} events",
        report.millis(with_snapshot),
    )
    interval = TenantLedger.snapshotting_intervals[Tenant]
    if snapshot > interval:
        worst = median_seconds_per_op(lambda: load(snapshot - 1), ops=1, repeats=LOAD_REPEATS)
        report.line(
            f"  at version {snapshot - 1}: snapshot + {interval - 1} events",
            report.millis(worst),
        )
    report.line("replay of all events, snapshots ignored", report.millis(without_snapshots))
    report.line("replay / snapshot load", report.ratio(without_snapshots, with_snapshot))
    report.note(f"medians of {LOAD_REPEATS} loads and {REPLAY_REPEATS} replays")


def _latest_snapshot_version(app: TenantLedger, tenant_id: UUID) -> int:
    if app.snapshots is None:
        return 0
    latest = list(app.snapshots.get(tenant_id, desc=True, limit=1))
    return latest[0].originator_version if latest else 0
