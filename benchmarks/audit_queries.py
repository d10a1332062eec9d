"""Audit on a long history: a tenant with many events (BENCH_AUDIT_EVENTS, default 100,000),
then the as-of query, a history page, verify and a rebuild over the whole log."""

import os
import random
import statistics
import time
from datetime import timedelta
from uuid import UUID

from application.rebuild import rebuild_tenants_view
from benchmarks import report
from benchmarks.databases import Database
from infrastructure.memory_views import MemoryTenantsView
from infrastructure.services import Services, build_services
from infrastructure.settings import Settings

EVENTS_PER_SAVE = 100
QUERIES = 30


def run(database: Database) -> None:
    events = int(os.environ.get("BENCH_AUDIT_EVENTS", "100000"))
    report.heading(f"5. Audit over a tenant with {events:,} events: {database.name}")
    services = build_services(Settings.from_environ(database.environ))
    try:
        started = time.perf_counter()
        tenant_id = _seed(services, events)
        report.line("seeding (100 events per save)", f"{time.perf_counter() - started:9.1f} s")
        _as_of(services, tenant_id)
        _rebuild(services)
        _verify(services)
    finally:
        services.close()


def _seed(services: Services, count: int) -> UUID:
    ledger = services.ledger
    issued = ledger.register_tenant(
        app_name=f"audit-{random.randrange(10**9)}",
        contact_email="audit@example.com",
        webhook_url="https://example.com/hooks",
        environment="staging",
        sandbox=True,
        actor="bench",
    )
    tenant_id = issued.tenant.tenant_id
    moment = issued.tenant.created_at
    while (tenant := ledger.get_tenant_aggregate(tenant_id)).version <= count:
        for _ in range(min(EVENTS_PER_SAVE, count + 1 - tenant.version)):
            moment += timedelta(seconds=1)
            tenant.issue_token(
                jti="bench",
                expires_at=moment + timedelta(hours=24),
                secret_version=1,
                client_ip=None,
                at=moment,
                seal=ledger.sealer,
            )
        ledger.save(tenant)
    return tenant_id


def _as_of(services: Services, tenant_id: UUID) -> None:
    audit, ledger = services.audit, services.ledger
    tenant = ledger.get_tenant_aggregate(tenant_id)
    span = (tenant.modified_on - tenant.created_on).total_seconds()
    moments = [
        tenant.created_on + timedelta(seconds=random.uniform(0, span)) for _ in range(QUERIES)
    ]
    as_of = _median(lambda moment: audit.state_at(tenant_id, moment), moments)
    current = _median(
        lambda _: ledger.get_tenant_aggregate(tenant_id, version=tenant.version), moments
    )
    page = _median(lambda _: audit.history(tenant_id, after_version=tenant.version // 2), moments)
    report.line("as-of query (binary search + snapshot load)", report.millis(as_of))
    report.line("  baseline: load at the latest version", report.millis(current))
    report.line("  as-of / latest load", report.ratio(as_of, current))
    report.line("history page of 100 events", report.millis(page))


def _rebuild(services: Services) -> None:
    result = rebuild_tenants_view(services.ledger, services.view, MemoryTenantsView())
    report.line("rebuild: events replayed", f"{result.events:>12,}")
    report.line("rebuild: events/s (replay + swap)", f"{result.events_per_second:>12,.0f}")


def _verify(services: Services) -> None:
    started = time.perf_counter()
    result = services.audit.verify()
    elapsed = time.perf_counter() - started
    report.line("verify: events checked", f"{result.events_checked:>12,}")
    report.line("verify: events/s", f"{result.events_checked / elapsed:>12,.0f}")
    report.line("verify: intact", str(result.broken is None))


def _median(operation, arguments) -> float:
    timings = []
    for argument in arguments:
        started = time.perf_counter()
        operation(argument)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)
