import json
import sqlite3
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from application.audit import TenantAudit, format_timestamp
from application.credentials import fingerprint
from application.errors import TenantNotFoundError
from infrastructure.persistence import event_store_env
from infrastructure.services import Services
from tests.application.helpers import register
from tests.fakes import FakeClock

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def audit(services: Services) -> TenantAudit:
    return TenantAudit(services.ledger)


@pytest.fixture
def lifecycle(services: Services, clock: FakeClock):
    """Registered at 10:00, logged in at 11:00, secret rotated at 12:00."""
    clock.set(T0)
    issued = register(services, "acme", actor="alice")
    clock.set(T0 + timedelta(hours=1))
    services.ledger.login("acme", issued.app_secret, client_ip="198.51.100.1")
    clock.set(T0 + timedelta(hours=2))
    rotated = services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    return issued, rotated


def test_history_lists_every_event_with_actor_and_no_secret(audit, lifecycle) -> None:
    issued, rotated = lifecycle
    entries = audit.history(issued.tenant.tenant_id)
    assert [(e.version, e.type, e.actor) for e in entries] == [
        (1, "TenantRegistered", "alice"),
        (2, "TokenIssued", "tenant"),
        (3, "SecretRotated", "bob"),
    ]
    assert entries[0].details["secretFingerprint"] == fingerprint(issued.app_secret)
    assert entries[2].details == {
        "secretVersion": 2,
        "secretFingerprint": fingerprint(rotated.app_secret),
        "previousSecretValidUntil": None,
        "tokenEpoch": 2,
    }
    assert entries[1].details["clientIp"] == "198.51.100.1"
    assert entries[1].occurred_at == T0 + timedelta(hours=1)
    dumped = json.dumps([e.details for e in entries])
    assert issued.app_secret not in dumped and rotated.app_secret not in dumped
    assert "Hash" not in dumped and "hash" not in dumped


def test_history_pages_by_version(audit, lifecycle) -> None:
    tenant_id = lifecycle[0].tenant.tenant_id
    assert [e.version for e in audit.history(tenant_id, limit=2)] == [1, 2]
    assert [e.version for e in audit.history(tenant_id, after_version=2, limit=2)] == [3]


def test_history_of_an_unknown_tenant_is_not_found(audit, services: Services) -> None:
    from uuid import uuid4

    with pytest.raises(TenantNotFoundError):
        audit.history(uuid4())


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (T0 + timedelta(hours=1) - SECOND, {"version": 1, "tokens": 0, "secret": 1}),
        (T0 + timedelta(hours=1), {"version": 2, "tokens": 1, "secret": 1}),
        (T0 + timedelta(hours=2) - SECOND, {"version": 2, "tokens": 1, "secret": 1}),
        (T0 + timedelta(hours=2), {"version": 3, "tokens": 1, "secret": 2}),
        (T0 + timedelta(days=300), {"version": 3, "tokens": 1, "secret": 2}),
        (T0, {"version": 1, "tokens": 0, "secret": 1}),
    ],
)
def test_state_as_of_a_moment_around_each_change(audit, lifecycle, moment, expected) -> None:
    issued, rotated = lifecycle
    state = audit.state_at(issued.tenant.tenant_id, moment)
    assert state.tenant.version == expected["version"]
    assert state.tenant.tokens_issued == expected["tokens"]
    assert state.tenant.secret_version == expected["secret"]
    secret = issued.app_secret if expected["secret"] == 1 else rotated.app_secret
    assert state.tenant.secret_fingerprint == fingerprint(secret)
    assert state.tenant.status == "active"
    assert state.tenant.webhook_url == "https://acme.io/hooks"
    assert state.tenant.created_at == T0


def test_before_registration_the_tenant_did_not_exist(audit, lifecycle) -> None:
    with pytest.raises(TenantNotFoundError, match="not registered yet"):
        audit.state_at(lifecycle[0].tenant.tenant_id, T0 - SECOND)


def test_changes_between_two_moments(audit, lifecycle) -> None:
    tenant_id = lifecycle[0].tenant.tenant_id
    changes = audit.changes_between(tenant_id, T0, T0 + timedelta(hours=2))
    assert [(c.type, c.actor) for c in changes] == [
        ("TokenIssued", "tenant"),
        ("SecretRotated", "bob"),
    ]
    assert audit.changes_between(tenant_id, T0 - SECOND, T0)[0].type == "TenantRegistered"


def test_export_matches_the_events_one_by_one(audit, services: Services, clock: FakeClock) -> None:
    first = register(services, "acme")
    second = register(services, "globex")
    services.ledger.login("acme", first.app_secret, client_ip=None)
    clock.advance(minutes=5)
    services.ledger.rotate_secret(second.tenant.tenant_id, actor="bob")
    services.ledger.create_admin_token("not-a-tenant-event")
    exported = list(audit.export())
    expected = [
        (event.originator_id, event.originator_version, type(event).__qualname__)
        for tenant in (first, second)
        for event in services.ledger.events.get(tenant.tenant.tenant_id)
    ]
    assert sorted((e.tenant_id, e.version, e.type) for e in exported) == sorted(
        (i, v, {"Tenant.Registered": "TenantRegistered"}.get(t, t.removeprefix("Tenant.")))
        for i, v, t in expected
    )
    positions = [e.position for e in exported]
    assert positions == sorted(positions)
    since = list(audit.export(since=clock.now().replace(microsecond=0)))
    assert [(e.type, e.tenant_id) for e in since] == [("SecretRotated", second.tenant.tenant_id)]


def test_an_intact_store_verifies(audit, services: Services) -> None:
    issued = register(services)
    for _ in range(120):  # past a snapshot
        services.ledger.login("acme", issued.app_secret, client_ip=None)
    result = audit.verify()
    assert result.broken is None
    assert (result.events_checked, result.snapshots_checked, result.tenants_checked) == (121, 1, 1)


def tamper(services: Services, sql: str, sqlite_sql: str) -> None:
    env = event_store_env(services.settings)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(env["SQLITE_DBNAME"]) as connection:
            connection.execute(sqlite_sql)
    else:
        url = services.settings.database_url.partition("?")[0]
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(SQL(sql).format(schema=Identifier(env["POSTGRES_SCHEMA"])))


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_an_event_edited_with_sql_is_found(audit, services: Services) -> None:
    issued = register(services)
    services.ledger.login("acme", issued.app_secret, client_ip="198.51.100.1")
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    tamper(
        services,
        "UPDATE {schema}.ledger_events SET state = convert_to(replace(convert_from(state, 'UTF8'),"
        " '198.51.100.1', '203.0.113.66'), 'UTF8') WHERE originator_version = 2",
        "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT),"
        " '198.51.100.1', '203.0.113.66') AS BLOB) WHERE originator_version = 2",
    )
    result = audit.verify()
    assert result.broken is not None
    assert (result.broken.tenant_id, result.broken.version) == (issued.tenant.tenant_id, 2)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_a_deleted_event_is_found(audit, services: Services) -> None:
    issued = register(services)
    services.ledger.login("acme", issued.app_secret, client_ip=None)
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    tamper(
        services,
        "DELETE FROM {schema}.ledger_events WHERE originator_version = 2",
        "DELETE FROM stored_events WHERE originator_version = 2",
    )
    broken = audit.verify().broken
    assert broken is not None and (broken.version, broken.reason) == (2, "event missing")


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_an_edited_snapshot_is_found(audit, services: Services) -> None:
    issued = register(services)
    for _ in range(99):
        services.ledger.login("acme", issued.app_secret, client_ip=None)
    tamper(
        services,
        "UPDATE {schema}.ledger_snapshots SET state = convert_to(replace(convert_from(state,"
        " 'UTF8'), 'https://acme.io/hooks', 'https://evil.example/x'), 'UTF8')",
        "UPDATE stored_snapshots SET state = CAST(replace(CAST(state AS TEXT),"
        " 'https://acme.io/hooks', 'https://evil.example/x') AS BLOB)",
    )
    broken = audit.verify().broken
    assert broken is not None and (broken.version, broken.reason) == (
        100,
        "snapshot differs from events",
    )


def test_timestamps_are_formatted_like_the_contract() -> None:
    assert format_timestamp(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00.000Z"


def test_as_of_the_moment_shown_as_created_at_includes_the_registration(
    services: Services, clock: FakeClock
) -> None:
    clock.set(T0 + timedelta(microseconds=123_456))
    issued = register(services)
    shown = format_timestamp(issued.tenant.created_at)
    assert shown == "2025-03-01T10:00:00.123Z"
    moment = datetime.fromisoformat(shown.replace("Z", "+00:00"))
    assert services.audit.state_at(issued.tenant.tenant_id, moment).tenant.version == 1


def test_a_slow_clock_cannot_put_an_event_before_the_one_it_follows(
    services: Services, clock: FakeClock
) -> None:
    clock.set(T0)
    issued = register(services)
    clock.set(T0 - timedelta(minutes=30))  # another host, behind
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    registered, rotated = services.ledger.events.get(issued.tenant.tenant_id)
    assert rotated.timestamp == registered.timestamp == T0
    assert services.audit.state_at(issued.tenant.tenant_id, T0).tenant.secret_version == 2
    assert services.audit.verify().broken is None
