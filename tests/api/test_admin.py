from uuid import UUID

from flask.testing import FlaskClient

from api.context import services_of
from tests.api.client import bearer, register, registered_and_logged_in


def test_a_taken_name_is_a_409_in_any_letter_case(client: FlaskClient, admin_token: str) -> None:
    assert register(client, admin_token).status_code == 201
    again = register(client, admin_token, appName="MY-SAAS-APP")
    assert again.status_code == 409
    assert again.content_type == "application/problem+json"


def test_admin_endpoints_need_an_admin_token(client: FlaskClient, admin_token: str) -> None:
    anonymous = client.get("/admin/tenants")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/admin/tenants", headers=bearer("ltla_forged")).status_code == 401
    assert client.get("/admin/tenants", headers=bearer("garbage")).status_code == 401


def test_a_tenant_token_on_an_admin_endpoint_is_forbidden(
    client: FlaskClient, admin_token: str
) -> None:
    _, access_token = registered_and_logged_in(client, admin_token)
    forbidden = client.get("/admin/tenants", headers=bearer(access_token))
    assert forbidden.status_code == 403
    assert forbidden.content_type == "application/problem+json"


def test_the_admin_listing_pages_through_tenants(client: FlaskClient, admin_token: str) -> None:
    for name in ("delta", "alpha", "charlie", "bravo", "echo"):
        assert register(client, admin_token, appName=name).status_code == 201
    services_of(client.application).queries.wait_for(
        services_of(client.application).ledger.head_position()
    )
    names, after = [], None
    while True:
        query = {"limit": 2} | ({"after": after} if after else {})
        page = client.get("/admin/tenants", query_string=query, headers=bearer(admin_token))
        assert page.status_code == 200
        names += [item["appName"] for item in page.get_json()["items"]]
        after = page.get_json()["nextAfter"]
        if after is None:
            break
    assert names == ["alpha", "bravo", "charlie", "delta", "echo"]


def test_page_size_is_bounded(client: FlaskClient, admin_token: str) -> None:
    for limit in (0, 201, "many"):
        page = client.get(
            "/admin/tenants", query_string={"limit": limit}, headers=bearer(admin_token)
        )
        assert page.status_code == 400


def test_an_unknown_tenant_is_a_404(client: FlaskClient, admin_token: str) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for response in (
        client.get(f"/admin/tenants/{missing}", headers=bearer(admin_token)),
        client.post(f"/admin/tenants/{missing}/rotate-secret", headers=bearer(admin_token)),
        client.get("/admin/tenants/not-a-uuid", headers=bearer(admin_token)),
    ):
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"


def test_registration_records_the_admins_name(client: FlaskClient, admin_token: str) -> None:
    services = services_of(client.application)
    credentials = register(client, admin_token).get_json()
    client.post(f"/admin/tenants/{credentials['appId']}/rotate-secret", headers=bearer(admin_token))
    registered, rotated = services.ledger.events.get(UUID(credentials["appId"]))
    assert registered.registered_by == "alice"
    assert rotated.rotated_by == "alice"
