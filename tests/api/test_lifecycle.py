"""Credential lifecycle: rotation with grace, revocation, suspension, self-rotation,
introspection."""

import threading
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from api.context import services_of
from tests.api.client import bearer, login, register


def me(client: FlaskClient, token: str) -> int:
    return client.get("/tenants/me", headers=bearer(token)).status_code


@pytest.fixture
def tenant(client: FlaskClient, admin_token: str) -> dict:
    credentials = register(client, admin_token).get_json()
    credentials["token"] = login(client, "my-saas-app", credentials["appSecret"]).get_json()[
        "accessToken"
    ]
    return credentials


def post(client: FlaskClient, admin_token: str, tenant: dict, action: str, **body: object):
    return client.post(
        f"/admin/tenants/{tenant['appId']}/{action}",
        json=body if body else None,
        headers=bearer(admin_token),
    )


def test_rotation_without_grace_refuses_earlier_tokens_at_once(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    assert me(client, tenant["token"]) == 200
    rotated = post(client, admin_token, tenant, "rotate-secret").get_json()
    assert me(client, tenant["token"]) == 401
    assert login(client, "my-saas-app", tenant["appSecret"]).status_code == 401
    fresh = login(client, "my-saas-app", rotated["appSecret"]).get_json()["accessToken"]
    assert me(client, fresh) == 200


def test_rotation_with_grace_keeps_the_old_secret_until_it_ends(
    client: FlaskClient, admin_token: str, tenant: dict, clock
) -> None:
    rotated = post(client, admin_token, tenant, "rotate-secret", graceSeconds=3600).get_json()
    assert me(client, tenant["token"]) == 200
    assert login(client, "my-saas-app", tenant["appSecret"]).status_code == 200
    assert login(client, "my-saas-app", rotated["appSecret"]).status_code == 200
    clock.advance(seconds=3600)
    assert login(client, "my-saas-app", tenant["appSecret"]).status_code == 401
    assert login(client, "my-saas-app", rotated["appSecret"]).status_code == 200


def test_a_token_from_the_old_secret_in_grace_records_the_old_version(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    post(client, admin_token, tenant, "rotate-secret", graceSeconds=60)
    login(client, "my-saas-app", tenant["appSecret"])
    events = list(services_of(client.application).ledger.events.get(UUID(tenant["appId"])))
    assert (type(events[-1]).__name__, events[-1].secret_version) == ("TokenIssued", 1)


@pytest.mark.parametrize("grace", [-1, 604_801, "60", 1.5, None, True])
def test_grace_must_be_whole_seconds_up_to_seven_days(
    client: FlaskClient, admin_token: str, tenant: dict, grace: object
) -> None:
    response = post(client, admin_token, tenant, "rotate-secret", graceSeconds=grace)
    assert response.status_code == 400
    assert login(client, "my-saas-app", tenant["appSecret"]).status_code == 200


def test_concurrent_rotations_one_wins_the_other_gets_409(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    ledger = services_of(client.application).ledger
    original = ledger.get_tenant_aggregate
    both_loaded = threading.Barrier(2)
    first_loads = threading.Semaphore(2)

    def load_then_wait(tenant_id, **kwargs):
        loaded = original(tenant_id, **kwargs)
        if first_loads.acquire(blocking=False):  # both callers see the same secret first
            both_loaded.wait(timeout=5)
        return loaded

    ledger.get_tenant_aggregate = load_then_wait  # both rotations read the same version
    statuses: list[int] = []

    def rotate() -> None:
        statuses.append(post(client, admin_token, tenant, "rotate-secret").status_code)

    threads = [threading.Thread(target=rotate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ledger.get_tenant_aggregate = original
    assert sorted(statuses) == [200, 409]
    assert ledger.tenant_details(UUID(tenant["appId"])).secret_version == 2


def test_suspension_stops_logins_and_tokens_and_records_who_and_why(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    suspended = post(client, admin_token, tenant, "suspend", reason="chargeback fraud")
    assert suspended.status_code == 200
    assert suspended.get_json()["status"] == "suspended"
    assert me(client, tenant["token"]) == 401
    right = login(client, "my-saas-app", tenant["appSecret"])
    wrong = login(client, "my-saas-app", "guess")
    assert right.status_code == 403
    assert wrong.status_code == 401
    assert wrong.get_json() == login(client, "no-such-app", "guess").get_json()
    event = list(services_of(client.application).ledger.events.get(UUID(tenant["appId"])))[-1]
    assert (event.reason, event.suspended_by) == ("chargeback fraud", "alice")
    assert post(client, admin_token, tenant, "suspend", reason="again").status_code == 409


def test_reactivation_lets_the_tenant_log_in_again_but_old_tokens_stay_dead(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    post(client, admin_token, tenant, "suspend", reason="review")
    assert post(client, admin_token, tenant, "reactivate").get_json()["status"] == "active"
    assert me(client, tenant["token"]) == 401
    fresh = login(client, "my-saas-app", tenant["appSecret"]).get_json()["accessToken"]
    assert client.get("/tenants/me", headers=bearer(fresh)).get_json()["status"] == "active"
    assert post(client, admin_token, tenant, "reactivate").status_code == 409


def test_the_admin_listing_shows_a_suspended_tenant(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    post(client, admin_token, tenant, "suspend", reason="review")
    services = services_of(client.application)
    services.queries.wait_for(services.ledger.head_position())
    listed = client.get("/admin/tenants", headers=bearer(admin_token)).get_json()["items"]
    assert [item["status"] for item in listed] == ["suspended"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "a\u0000b"}, {"reason": 5}])
def test_suspension_needs_a_reason(
    client: FlaskClient, admin_token: str, tenant: dict, body: dict
) -> None:
    response = client.post(
        f"/admin/tenants/{tenant['appId']}/suspend", json=body, headers=bearer(admin_token)
    )
    assert response.status_code == 400


def test_revoking_every_token(client: FlaskClient, admin_token: str, tenant: dict) -> None:
    second = login(client, "my-saas-app", tenant["appSecret"]).get_json()["accessToken"]
    assert post(client, admin_token, tenant, "revoke-tokens").status_code == 200
    assert me(client, tenant["token"]) == me(client, second) == 401
    fresh = login(client, "my-saas-app", tenant["appSecret"]).get_json()["accessToken"]
    assert me(client, fresh) == 200


def test_revoking_one_token_by_jti(client: FlaskClient, admin_token: str, tenant: dict) -> None:
    import jwt

    second = login(client, "my-saas-app", tenant["appSecret"]).get_json()["accessToken"]
    jti = jwt.decode(tenant["token"], options={"verify_signature": False})["jti"]
    assert post(client, admin_token, tenant, "revoke-tokens", jti=jti).status_code == 200
    assert me(client, tenant["token"]) == 401
    assert me(client, second) == 200


def test_a_tenant_rotates_its_own_secret_only_with_it(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    url = "/tenants/me/rotate-secret"
    assert client.post(url, json={"appSecret": tenant["appSecret"]}).status_code == 401
    wrong = client.post(url, json={"appSecret": "guess"}, headers=bearer(tenant["token"]))
    assert wrong.status_code == 401
    assert client.post(url, json={}, headers=bearer(tenant["token"])).status_code == 400
    rotated = client.post(
        url, json={"appSecret": tenant["appSecret"]}, headers=bearer(tenant["token"])
    )
    assert rotated.status_code == 200
    assert rotated.headers["Cache-Control"] == "no-store"
    new_secret = rotated.get_json()["appSecret"]
    assert login(client, "my-saas-app", new_secret).status_code == 200
    assert login(client, "my-saas-app", tenant["appSecret"]).status_code == 401
    event = list(services_of(client.application).ledger.events.get(UUID(tenant["appId"])))[-2]
    assert event.rotated_by == "tenant:my-saas-app"


def test_introspection_answers_for_active_and_dead_tokens(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    url = "/tokens/introspect"
    active = client.post(url, json={"token": tenant["token"]}, headers=bearer(admin_token))
    body = active.get_json()
    assert body["active"] is True
    assert body["sub"] == tenant["appId"]
    assert body["client_id"] == "my-saas-app"
    assert body["exp"] - body["iat"] == 86400
    as_form = client.post(
        url, data={"token": tenant["token"]}, headers=bearer(admin_token)
    ).get_json()
    assert as_form["active"] is True
    assert client.post(url, json={"token": "garbage"}, headers=bearer(admin_token)).get_json() == {
        "active": False
    }
    post(client, admin_token, tenant, "revoke-tokens")
    revoked = client.post(url, json={"token": tenant["token"]}, headers=bearer(admin_token))
    assert revoked.get_json() == {"active": False}


def test_introspection_needs_an_admin_token(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    url = "/tokens/introspect"
    assert client.post(url, json={"token": tenant["token"]}).status_code == 401
    as_tenant = client.post(url, json={"token": tenant["token"]}, headers=bearer(tenant["token"]))
    assert as_tenant.status_code == 403


def test_rotations_go_through_while_the_tenant_keeps_logging_in(
    client: FlaskClient, admin_token: str, tenant: dict
) -> None:
    """Regression: a login racing a rotation made the rotation fail with 409."""
    stop = threading.Event()
    secret = {"current": tenant["appSecret"]}

    def keep_logging_in() -> None:
        while not stop.is_set():
            login(client, "my-saas-app", secret["current"])

    worker = threading.Thread(target=keep_logging_in)
    worker.start()
    try:
        for _ in range(8):
            response = post(client, admin_token, tenant, "rotate-secret", graceSeconds=60)
            assert response.status_code == 200, response.get_json()
            secret["current"] = response.get_json()["appSecret"]
    finally:
        stop.set()
        worker.join()


def test_tokens_from_before_a_graceful_rotation_stop_when_the_grace_ends(
    client: FlaskClient, admin_token: str, tenant: dict, clock
) -> None:
    """Regression: tokens of the old secret kept working after the grace, for up to 24 h."""
    post(client, admin_token, tenant, "rotate-secret", graceSeconds=600)
    during = login(client, "my-saas-app", tenant["appSecret"]).get_json()["accessToken"]
    assert me(client, tenant["token"]) == me(client, during) == 200
    clock.advance(seconds=600)
    assert me(client, tenant["token"]) == me(client, during) == 401
