import dataclasses
import hashlib
import threading
from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import Tracking

from api.app import create_app
from application.projector import BackgroundProjector
from application.rebuild import rebuild_tenants_view
from application.views import TenantRow, TenantsView
from infrastructure.memory_views import MemoryTenantsView
from infrastructure.services import Services
from tests.application.helpers import register


def checksum(view: TenantsView) -> str:
    """Over every field of every row, times normalised to UTC (stores differ in tz objects)."""
    digest = hashlib.sha256()
    for row in view.all_tenants():
        for value in dataclasses.astuple(row):
            normal = value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
            digest.update(repr(normal).encode())
    return digest.hexdigest()


def rebuild(services: Services, **options: bool):
    return rebuild_tenants_view(services.ledger, services.view, MemoryTenantsView(), **options)


def seed_logins(services: Services, tenant_id: UUID, count: int) -> None:
    """Many TokenIssued events quickly: a hundred per save."""
    ledger = services.ledger
    for start in range(0, count, 100):
        tenant = ledger.get_tenant_aggregate(tenant_id)
        now = tenant.modified_on
        for _ in range(min(100, count - start)):
            tenant.issue_token(
                jti="seeded",
                expires_at=now + timedelta(hours=24),
                secret_version=1,
                client_ip=None,
                at=now,
                seal=ledger.sealer,
            )
        ledger.save(tenant)


def test_a_rebuild_swaps_in_what_the_events_say(services: Services) -> None:
    for name in ("acme", "globex", "initech"):
        issued = register(services, name)
        services.ledger.login(name, issued.app_secret, client_ip=None)
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    services.projector().catch_up()
    before = checksum(services.view)

    report = rebuild(services)

    assert report.swapped
    assert report.events == 10  # 3 x (tenant, name index, login) + a rotation
    assert checksum(services.view) == before
    assert services.view.max_tracking_id("ledger") == services.ledger.head_position()


def test_verify_reports_every_difference_and_changes_nothing(services: Services) -> None:
    acme = register(services, "acme")
    register(services, "globex")
    services.projector().catch_up()
    assert rebuild(services, verify_only=True).differences == []

    row = services.view.get_tenant(acme.tenant.tenant_id)
    services.view.update_secret_version(row.tenant_id, 7, row.updated_at, Tracking("elsewhere", 1))
    corrupted = checksum(services.view)

    report = rebuild(services, verify_only=True)

    assert not report.swapped
    assert report.differences == [f"{row.tenant_id}: secret_version is 7 live, 1 rebuilt"]
    assert checksum(services.view) == corrupted
    rebuild(services)
    assert rebuild(services, verify_only=True).differences == []


def test_a_rebuild_of_an_empty_store_is_empty(services: Services) -> None:
    report = rebuild(services)
    assert report.events == 0
    assert list(services.view.all_tenants()) == []


def test_rebuild_under_traffic_never_fails_a_reader(services: Services) -> None:
    tenants = [register(services, f"tenant-{n}") for n in range(5)]
    seed_logins(services, tenants[0].tenant.tenant_id, 10_000)
    services.projector().catch_up()
    live_projector = BackgroundProjector(services.projector()).start()
    client = create_app(services=services).test_client()
    tokens = [
        services.ledger.login(t.tenant.app_name, t.app_secret, client_ip=None).access_token
        for t in tenants
    ]
    stop = threading.Event()
    failures: list[str] = []
    reads = logins = 0

    def read() -> None:
        nonlocal reads
        while not stop.is_set():
            for token in tokens:
                response = client.get("/tenants/me", headers={"Authorization": f"Bearer {token}"})
                reads += 1
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.get_data(as_text=True)}")

    def log_in() -> None:
        nonlocal logins
        while not stop.is_set():
            services.ledger.login("tenant-1", tenants[1].app_secret, client_ip=None)
            logins += 1

    workers = [threading.Thread(target=read), threading.Thread(target=log_in)]
    for worker in workers:
        worker.start()
    try:
        report = rebuild(services)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        live_projector.stop()

    assert failures == []
    assert reads > 0 and logins > 0
    assert report.events >= 10_000
    services.projector().catch_up()
    assert rebuild(services, verify_only=True).differences == []
    expected = MemoryTenantsView()
    rebuild_tenants_view(services.ledger, expected, MemoryTenantsView())
    assert checksum(services.view) == checksum(expected)


def test_rows_compare_field_by_field() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from application.rebuild import compare

    now = datetime.now(tz=UTC)
    row = TenantRow(uuid4(), "a", "a", "e", "https://x", "staging", True, "active", 1, now, now)
    other = TenantRow(uuid4(), "b", "b", "e", "https://x", "staging", True, "active", 1, now, now)
    assert compare([row], [row]) == []
    assert compare([row], [other]) == sorted(
        [
            f"{other.tenant_id}: missing from the live view",
            f"{row.tenant_id}: in the live view but not in the events",
        ]
    )
