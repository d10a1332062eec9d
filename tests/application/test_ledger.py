import threading
from uuid import uuid4

import pytest

from application.errors import (
    AdminAuthenticationError,
    AppNameTakenError,
    TenantNotFoundError,
)
from domain.app_name import AppNameIndex
from domain.errors import InvalidAppNameError, InvalidCredentialsError
from domain.tenant import Tenant
from infrastructure.services import Services, build_services
from tests.application.helpers import register, stored_events
from tests.fakes import FakeClock


def test_a_registered_tenant_logs_in_with_the_secret_it_was_given(services: Services) -> None:
    issued = register(services)
    token = services.ledger.login("acme", issued.app_secret, client_ip="203.0.113.9")
    assert token.tenant_id == issued.tenant.tenant_id
    assert token.app_name == "acme"
    assert token.expires_in == "24h"
    assert services.tokens.verify(token.access_token).tenant_id == issued.tenant.tenant_id


def test_login_compares_names_by_their_canonical_form(services: Services) -> None:
    issued = register(services, "My-App")
    assert services.ledger.login("my-app", issued.app_secret, client_ip=None).app_name == "My-App"


def test_a_name_is_taken_in_any_letter_case(services: Services) -> None:
    register(services, "acme")
    with pytest.raises(AppNameTakenError):
        register(services, "ACME")


def test_a_malformed_name_is_refused_before_anything_is_stored(services: Services) -> None:
    with pytest.raises(InvalidAppNameError):
        register(services, "\u0430cme")
    assert stored_events(services) == []


@pytest.mark.parametrize("wrong", ["unknown-app", "acme"])
def test_unknown_app_and_wrong_secret_fail_the_same_way(services: Services, wrong: str) -> None:
    register(services, "acme")
    with pytest.raises(InvalidCredentialsError) as failure:
        services.ledger.login(wrong, "not-the-secret", client_ip=None)
    assert str(failure.value) == "invalid credentials"


def test_a_malformed_app_name_at_login_is_just_invalid_credentials(services: Services) -> None:
    with pytest.raises(InvalidCredentialsError):
        services.ledger.login("\x00" * 300, "x", client_ip=None)


def test_each_login_records_token_issued_without_the_token(services: Services) -> None:
    issued = register(services)
    token = services.ledger.login("acme", issued.app_secret, client_ip="198.51.100.7")
    claims = services.tokens.verify(token.access_token)
    events = services.ledger.events.get(issued.tenant.tenant_id)
    last = list(events)[-1]
    assert isinstance(last, Tenant.TokenIssued)
    assert last.jti == claims.jti
    assert last.client_ip == "198.51.100.7"
    assert last.secret_version == 1
    assert last.expires_at == claims.expires_at


def test_secrets_and_tokens_never_reach_the_event_store(services: Services) -> None:
    issued = register(services)
    token = services.ledger.login("acme", issued.app_secret, client_ip=None)
    rotated = services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    admin = services.ledger.create_admin_token("carol")
    stored = b"".join(n.state for n in stored_events(services))
    for secret in (issued.app_secret, rotated.app_secret, token.access_token, admin):
        assert secret.encode() not in stored
    assert token.access_token.split(".")[2].encode() not in stored


def test_rotation_retires_the_old_secret_at_once(services: Services) -> None:
    issued = register(services)
    rotated = services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    with pytest.raises(InvalidCredentialsError):
        services.ledger.login("acme", issued.app_secret, client_ip=None)
    services.ledger.login("acme", rotated.app_secret, client_ip=None)
    assert rotated.tenant.secret_version == 2
    assert rotated.app_secret != issued.app_secret


def test_rotating_an_unknown_tenant_is_not_found(services: Services) -> None:
    with pytest.raises(TenantNotFoundError):
        services.ledger.rotate_secret(uuid4(), actor="bob")


def test_an_id_of_another_kind_of_aggregate_is_not_a_tenant(services: Services) -> None:
    register(services, "acme")
    with pytest.raises(TenantNotFoundError):
        services.ledger.tenant_details(AppNameIndex.create_id("acme"))


def test_admin_tokens_authenticate_their_admin(services: Services) -> None:
    token = services.ledger.create_admin_token("carol")
    assert services.ledger.authenticate_admin(token) == "carol"
    with pytest.raises(AdminAuthenticationError):
        services.ledger.authenticate_admin(token + "x")
    with pytest.raises(AdminAuthenticationError):
        services.ledger.authenticate_admin("not-an-admin-token")


def test_admin_actions_record_the_admins_name(services: Services) -> None:
    issued = register(services, actor="alice")
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    registered, rotated = list(services.ledger.events.get(issued.tenant.tenant_id))
    assert registered.registered_by == "alice"
    assert rotated.rotated_by == "bob"


def test_created_at_is_the_registration_time(services: Services, clock: FakeClock) -> None:
    issued = register(services)
    clock.advance(hours=3)
    services.ledger.rotate_secret(issued.tenant.tenant_id, actor="bob")
    details = services.ledger.tenant_details(issued.tenant.tenant_id)
    assert details.created_at == issued.tenant.created_at
    assert details.secret_version == 2


def test_concurrent_registrations_of_one_name_give_exactly_one_tenant(services: Services) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(10)

    def attempt(index: int) -> None:
        start.wait()
        try:
            register(services, "ACME" if index % 2 else "acme")
            outcomes.append("created")
        except AppNameTakenError:
            outcomes.append("taken")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["taken"] * 9
    registered = [n for n in stored_events(services) if n.topic.endswith("Tenant.Registered")]
    assert len(registered) == 1


def test_concurrent_logins_of_one_tenant_all_succeed(services: Services) -> None:
    issued = register(services)
    results: list[str] = []
    start = threading.Barrier(20)

    def attempt() -> None:
        start.wait()
        results.append(
            services.ledger.login("acme", issued.app_secret, client_ip=None).access_token
        )

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 20
    events = list(services.ledger.events.get(issued.tenant.tenant_id))
    assert sum(isinstance(e, Tenant.TokenIssued) for e in events) == 20


def test_snapshots_keep_loading_cheap_after_many_logins(services: Services) -> None:
    issued = register(services)
    for _ in range(250):
        services.ledger.login("acme", issued.app_secret, client_ip=None)
    tenant_id = issued.tenant.tenant_id
    snapshots = list(services.ledger.snapshots.get(tenant_id, desc=True, limit=1))
    assert snapshots and snapshots[0].originator_version == 200
    tenant = services.ledger.get_tenant_aggregate(tenant_id)
    assert tenant.version == 251
    assert tenant.tokens_issued == 250


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_state_survives_a_restart_on_the_same_store(services: Services) -> None:
    issued = register(services)
    token = services.ledger.login("acme", issued.app_secret, client_ip=None)
    services.close()
    restarted = build_services(services.settings)
    try:
        again = restarted.ledger.login("ACME", issued.app_secret, client_ip=None)
        assert again.tenant_id == issued.tenant.tenant_id
        assert restarted.tokens.verify(token.access_token).tenant_id == issued.tenant.tenant_id
        details = restarted.ledger.tenant_details(issued.tenant.tenant_id)
        assert details.created_at == issued.tenant.created_at
        assert details.tokens_issued == 2
    finally:
        restarted.close()
