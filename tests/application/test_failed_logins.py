from datetime import timedelta

import pytest

from application.failed_logins import MAX_IPS_PER_WINDOW
from domain.errors import InvalidCredentialsError
from infrastructure.services import Services
from tests.application.helpers import register
from tests.fakes import FakeClock


def fail_login(services: Services, app_name: str, client_ip: str | None) -> None:
    with pytest.raises(InvalidCredentialsError):
        services.ledger.login(app_name, "wrong-secret", client_ip=client_ip)


def test_failed_logins_are_counted_per_tenant_per_hour(
    services: Services, clock: FakeClock
) -> None:
    issued = register(services)
    start = clock.now()
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.1"):
        fail_login(services, "acme", ip)
    clock.advance(hours=1)
    fail_login(services, "ACME", None)
    services.ledger.login("acme", issued.app_secret, client_ip="198.51.100.9")

    windows = services.audit.failed_logins(issued.tenant.tenant_id, since=start)

    assert [(w.attempts, w.client_ips) for w in windows] == [
        (3, ["198.51.100.1", "198.51.100.2"]),
        (1, []),
    ]
    assert windows[1].window_start - windows[0].window_start == timedelta(hours=1)
    assert windows[1].last_attempt_at == clock.now()


def test_a_flood_stays_one_row_per_hour_with_bounded_ips(
    services: Services, clock: FakeClock
) -> None:
    issued = register(services)
    since = clock.now()
    for n in range(150):
        fail_login(services, "acme", f"203.0.113.{n}")
    (window,) = services.audit.failed_logins(issued.tenant.tenant_id, since=since)
    assert window.attempts == 150
    assert len(window.client_ips) == MAX_IPS_PER_WINDOW


def test_attempts_on_unknown_names_are_counted_apart(services: Services, clock: FakeClock) -> None:
    issued = register(services)
    fail_login(services, "no-such-app", "192.0.2.1")
    assert services.audit.failed_logins(issued.tenant.tenant_id, since=clock.now()) == []
    (unknown,) = services.ledger.failed_logins.windows(None, since=clock.now())
    assert (unknown.attempts, unknown.client_ips) == (1, ["192.0.2.1"])


def test_old_hours_are_pruned(services: Services, clock: FakeClock) -> None:
    issued = register(services)
    long_ago = clock.now()
    fail_login(services, "acme", None)
    clock.advance(days=91)
    fail_login(services, "acme", None)
    windows = services.audit.failed_logins(issued.tenant.tenant_id, since=long_ago)
    assert [w.window_start > long_ago for w in windows] == [True]


def _record_failures(settings, tenant_id, count: int, errors) -> None:
    import dataclasses

    from infrastructure.services import build_services

    worker = build_services(dataclasses.replace(settings, create_tables=False))
    try:
        for n in range(count):
            try:
                worker.ledger.failed_logins.record(tenant_id, worker_now(), f"10.0.0.{n % 30}")
            except Exception:
                errors.value += 1
    finally:
        worker.close()


def worker_now():
    from datetime import UTC, datetime

    return datetime.now(tz=UTC)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_failures_counted_by_several_processes_at_once_are_all_counted(
    services: Services, clock: FakeClock
) -> None:
    """Regression: on SQLite, concurrent counts failed with 'database is locked'."""
    import multiprocessing

    issued = register(services)
    context = multiprocessing.get_context("fork")
    errors = context.Value("i", 0)
    processes = [
        context.Process(
            target=_record_failures, args=(services.settings, issued.tenant.tenant_id, 60, errors)
        )
        for _ in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    windows = services.ledger.failed_logins.windows(
        issued.tenant.tenant_id, since=clock.now() - timedelta(days=1)
    )
    assert errors.value == 0
    assert sum(w.attempts for w in windows) == 180
