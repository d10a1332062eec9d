"""Bad input gets a problem+json 4xx: never a 500, never HTML, never a half-written change."""

import pytest
from flask.testing import FlaskClient

from api.context import services_of
from tests.api.client import REGISTRATION, bearer, register
from tests.application.helpers import stored_events


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["title"]
    return body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sandbox", "false"),
        ("sandbox", 0),
        ("sandbox", None),
        ("environment", "qa"),
        ("environment", "Production"),
        ("webhookUrl", "http://my-saas.app/hook"),
        ("webhookUrl", "https://user:pw@my-saas.app/hook"),
        ("webhookUrl", "not a url"),
        ("contactEmail", "not-an-email"),
        ("contactEmail", "a@b"),
        ("appName", "\u0430cme"),
        ("appName", "ab"),
        ("appName", "has space"),
        ("appName", 42),
        ("appName", ["x"]),
    ],
)
def test_invalid_registrations_are_400s_that_name_the_field(
    client: FlaskClient, admin_token: str, field: str, value: object
) -> None:
    before = len(stored_events(services_of(client.application)))
    body = assert_problem(register(client, admin_token, **{field: value}), 400)
    assert field in body["errors"]
    assert len(stored_events(services_of(client.application))) == before


@pytest.mark.parametrize("missing", sorted(REGISTRATION))
def test_every_registration_field_is_required(
    client: FlaskClient, admin_token: str, missing: str
) -> None:
    body = {k: v for k, v in REGISTRATION.items() if k != missing}
    response = client.post("/admin/tenants", json=body, headers=bearer(admin_token))
    assert missing in assert_problem(response, 400)["errors"]


def test_unknown_fields_are_refused(client: FlaskClient, admin_token: str) -> None:
    response = register(client, admin_token, isAdmin=True)
    assert "isAdmin" in assert_problem(response, 400)["errors"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"appName": "a", "appName": "b", "appSecret": "s"}',
        b'{"appName": "a", "appSecret": ',
        b"[]",
        b'"appName"',
        b"null",
        b"\xff\xfe",
    ],
)
def test_malformed_or_ambiguous_json_is_a_400(client: FlaskClient, raw: bytes) -> None:
    response = client.post("/tenants/login", data=raw, content_type="application/json")
    assert_problem(response, 400)


def test_an_empty_login_body_is_a_400(client: FlaskClient) -> None:
    assert_problem(client.post("/tenants/login", content_type="application/json"), 400)
    assert_problem(client.post("/tenants/login"), 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_bodies_that_are_not_json_are_415s(client: FlaskClient, content_type: str) -> None:
    response = client.post("/tenants/login", data=b"appName=a", content_type=content_type)
    assert_problem(response, 415)


def test_an_oversized_body_is_a_413_with_a_content_length(client: FlaskClient) -> None:
    response = client.post(
        "/tenants/login",
        data=b'{"appName": "' + b"a" * 100_000 + b'"}',
        content_type="application/json",
    )
    assert_problem(response, 413)


def test_unknown_paths_and_methods_are_problems(client: FlaskClient) -> None:
    assert_problem(client.get("/no/such/path"), 404)
    not_allowed = client.delete("/tenants/me")
    assert_problem(not_allowed, 405)
    assert "GET" in not_allowed.headers["Allow"]


def test_an_overlong_secret_is_refused_before_any_work(client: FlaskClient) -> None:
    response = client.post("/tenants/login", json={"appName": "acme", "appSecret": "s" * 300})
    assert "appSecret" in assert_problem(response, 400)["errors"]
