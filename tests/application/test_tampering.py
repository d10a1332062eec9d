"""Regression tests: edits in the database that `ledger verify` once missed or crashed on."""

import pytest

from domain.errors import InvalidCredentialsError
from infrastructure.services import Services, build_services
from tests.application.helpers import register
from tests.application.tampering import execute, fetch_state, set_tenant_row

pytestmark = pytest.mark.parametrize("store", ["sqlite", "postgres"])


def logins(services: Services, secret: str, count: int) -> None:
    for _ in range(count):
        services.ledger.login("acme", secret, client_ip=None)


def broken(services: Services) -> tuple[int, str]:
    result = services.audit.verify()
    assert result.broken is not None, "verify called a tampered store intact"
    return result.broken.version, result.broken.reason


def test_a_snapshot_moved_to_another_version_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 104)
    set_tenant_row(services, "snapshots", 100, originator_version=103)
    assert broken(services) == (103, "snapshot differs from events")


def test_a_snapshot_claiming_another_aggregate_class_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 100)
    state = fetch_state(services, "snapshots", 100)
    forged = state.replace(b'"domain.tenant:Tenant"', b'"domain.admin:AdminToken"')
    assert forged != state
    set_tenant_row(services, "snapshots", 100, state=forged)
    assert broken(services) == (100, "snapshot of something else")


def test_a_snapshot_beyond_the_last_event_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 100)
    set_tenant_row(services, "snapshots", 100, originator_version=500)
    assert broken(services)[0] == 500


def test_a_snapshot_of_another_class_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 100)
    set_tenant_row(services, "snapshots", 100, topic="domain.admin:AdminToken")
    assert broken(services)[0] == 100


def test_an_event_under_an_alias_topic_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 2)
    set_tenant_row(services, "events", 3, topic="application.ledger:Tenant.TokenIssued")
    assert broken(services) == (3, "unexpected topic application.ledger:Tenant.TokenIssued")


def test_a_tenant_event_turned_into_another_type_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 2)
    set_tenant_row(services, "events", 3, topic="domain.admin:AdminToken.Created")
    assert broken(services)[0] == 3


def test_a_time_swapped_for_a_string_is_found(services: Services) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 1)
    state = fetch_state(services, "events", 2)
    start = state.index(b'"expires_at":')
    end = state.index(b"}", start) + 1
    moment = state[start:end].split(b'"_data_":')[1].rstrip(b"}")
    set_tenant_row(
        services, "events", 2, state=state[:start] + b'"expires_at":' + moment + state[end:]
    )
    assert broken(services)[0] == 2


@pytest.mark.parametrize("state", [b"\x00\xff", b"{}", b'{"timestamp": "yesterday"}'])
def test_an_unreadable_event_is_reported_not_crashed_on(services: Services, state: bytes) -> None:
    issued = register(services)
    logins(services, issued.app_secret, 1)
    set_tenant_row(services, "events", 2, state=state)
    assert broken(services)[0] == 2


def test_a_tenant_deleted_entirely_is_found_and_its_name_still_gets_401(
    services: Services,
) -> None:
    issued = register(services)
    execute(
        services,
        "DELETE FROM stored_events WHERE topic LIKE 'domain.tenant:%'",
        "DELETE FROM {schema}.ledger_events WHERE topic LIKE 'domain.tenant:%%'",
    )
    version, reason = broken(services)
    assert (version, reason) == (1, "an app name is claimed by a tenant with no events")
    another_worker = build_services(services.settings)
    try:
        with pytest.raises(InvalidCredentialsError):
            another_worker.ledger.login("acme", issued.app_secret, client_ip=None)
    finally:
        another_worker.close()
