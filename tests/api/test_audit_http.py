from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from application.credentials import fingerprint
from tests.api.client import bearer, login, register


def test_a_tenants_events_are_listed_in_order_without_secrets(
    client: FlaskClient, admin_token: str
) -> None:
    credentials = register(client, admin_token).get_json()
    login(client, "my-saas-app", credentials["appSecret"])
    tenant = credentials["appId"]
    rotated = client.post(f"/admin/tenants/{tenant}/rotate-secret", headers=bearer(admin_token))

    page = client.get(f"/admin/tenants/{tenant}/events", headers=bearer(admin_token))

    assert page.status_code == 200
    items = page.get_json()["items"]
    assert [(i["version"], i["type"], i["actor"]) for i in items] == [
        (1, "TenantRegistered", "alice"),
        (2, "TokenIssued", "tenant"),
        (3, "SecretRotated", "alice"),
    ]
    assert items[2]["details"]["secretFingerprint"] == fingerprint(rotated.get_json()["appSecret"])
    assert page.get_json()["nextAfter"] is None
    body = page.get_data(as_text=True)
    assert credentials["appSecret"] not in body
    assert "hash" not in body.lower()


def test_events_page_by_version(client: FlaskClient, admin_token: str) -> None:
    credentials = register(client, admin_token).get_json()
    for _ in range(3):
        login(client, "my-saas-app", credentials["appSecret"])
    url = f"/admin/tenants/{credentials['appId']}/events"
    first = client.get(url, query_string={"limit": 2}, headers=bearer(admin_token)).get_json()
    assert [i["version"] for i in first["items"]] == [1, 2]
    rest = client.get(
        url, query_string={"limit": 2, "after": first["nextAfter"]}, headers=bearer(admin_token)
    ).get_json()
    assert [i["version"] for i in rest["items"]] == [3, 4]


def test_event_paging_is_bounded(client: FlaskClient, admin_token: str) -> None:
    tenant = register(client, admin_token).get_json()["appId"]
    for query in ({"limit": 501}, {"limit": 0}, {"after": -1}, {"after": "x"}):
        response = client.get(
            f"/admin/tenants/{tenant}/events", query_string=query, headers=bearer(admin_token)
        )
        assert response.status_code == 400
        assert response.content_type == "application/problem+json"


def test_events_of_an_unknown_tenant_are_a_404(client: FlaskClient, admin_token: str) -> None:
    response = client.get(
        "/admin/tenants/00000000-0000-4000-8000-000000000000/events", headers=bearer(admin_token)
    )
    assert response.status_code == 404


def test_a_tenant_as_of_a_moment(client: FlaskClient, admin_token: str, clock) -> None:
    start = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    clock.set(start)
    credentials = register(client, admin_token).get_json()
    clock.set(start + timedelta(hours=1))
    client.post(f"/admin/tenants/{credentials['appId']}/rotate-secret", headers=bearer(admin_token))
    url = f"/admin/tenants/{credentials['appId']}"

    before = client.get(
        url, query_string={"at": "2025-06-01T12:59:59Z"}, headers=bearer(admin_token)
    ).get_json()
    after = client.get(
        url, query_string={"at": "2025-06-01T13:00:00+00:00"}, headers=bearer(admin_token)
    ).get_json()

    assert (before["secretVersion"], before["version"]) == (1, 1)
    assert before["secretFingerprint"] == fingerprint(credentials["appSecret"])
    assert before["asOf"] == "2025-06-01T12:59:59.000Z"
    assert (after["secretVersion"], after["version"]) == (2, 2)
    assert before["createdAt"] == after["createdAt"] == "2025-06-01T12:00:00.000Z"


def test_as_of_needs_an_aware_moment_after_registration(
    client: FlaskClient, admin_token: str
) -> None:
    url = f"/admin/tenants/{register(client, admin_token).get_json()['appId']}"
    for moment, status in (
        ("2025-06-01T12:00:00", 400),
        ("yesterday", 400),
        ("1999-01-01T00:00Z", 404),
    ):
        response = client.get(url, query_string={"at": moment}, headers=bearer(admin_token))
        assert response.status_code == status, moment
        assert response.content_type == "application/problem+json"


def test_failed_logins_are_visible_to_admins(client: FlaskClient, admin_token: str) -> None:
    credentials = register(client, admin_token).get_json()
    for _ in range(3):
        assert login(client, "my-saas-app", "guess").status_code == 401
    response = client.get(
        f"/admin/tenants/{credentials['appId']}/failed-logins", headers=bearer(admin_token)
    )
    assert response.status_code == 200
    (window,) = response.get_json()["items"]
    assert window["attempts"] == 3
    assert window["clientIps"] == ["127.0.0.1"]
    assert window["windowStart"].endswith(":00:00.000Z")
    bad = client.get(
        f"/admin/tenants/{credentials['appId']}/failed-logins",
        query_string={"since": "last week"},
        headers=bearer(admin_token),
    )
    assert bad.status_code == 400
