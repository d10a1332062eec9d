"""Regression tests: inputs that once produced a 500, a wrong status or a changed state."""

import logging

import pytest
from flask.testing import FlaskClient

from api.context import services_of
from tests.api.client import bearer, register, registered_and_logged_in


def assert_problem(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "webhook_url",
    [
        "https://example.com/a\u0000b",
        "https://example.com/a\u0001b",
        "https://example.com/\ud800",
        "https://example.com/caf\u00e9",
        "https://example.com:99999/",
        "https://example.com/a b",
    ],
)
def test_webhook_urls_with_unsafe_characters_are_400(
    client: FlaskClient, admin_token: str, webhook_url: str
) -> None:
    assert_problem(register(client, admin_token, webhookUrl=webhook_url), 400)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 5000 + b"]" * 5000,
        b'{"appName": ' + b"9" * 5000 + b"}",
        b'{"appName": "my-saas-app", "appSecret": "\\ud800"}',
        b'{"appName": "my-saas-app", "appSecret": "a\\u0000b"}',
    ],
)
def test_hostile_login_bodies_are_400(client: FlaskClient, body: bytes) -> None:
    assert_problem(client.post("/tenants/login", data=body, content_type="application/json"), 400)


def test_deeply_nested_json_on_an_admin_endpoint_is_not_a_500(client: FlaskClient) -> None:
    response = client.post(
        "/admin/tenants", data=b"[" * 5000 + b"]" * 5000, content_type="application/json"
    )
    assert_problem(response, 401)


def test_admin_endpoints_authenticate_before_reading_the_body(
    client: FlaskClient, admin_token: str
) -> None:
    assert_problem(client.post("/admin/tenants", json={}), 401)
    assert_problem(client.get("/admin/tenants", query_string={"limit": "abc"}), 401)
    _, tenant_token = registered_and_logged_in(client, admin_token)
    assert_problem(client.post("/admin/tenants", json={}, headers=bearer(tenant_token)), 403)


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{not json", 400), (b'{"foo": 1}', 400), (b"{" + b" " * 1_000_000 + b"}", 413)],
)
def test_rotate_secret_refuses_a_bad_body_and_changes_nothing(
    client: FlaskClient, admin_token: str, body: bytes, status: int
) -> None:
    credentials = register(client, admin_token).get_json()
    url = f"/admin/tenants/{credentials['appId']}/rotate-secret"
    response = client.post(
        url, data=body, content_type="application/json", headers=bearer(admin_token)
    )
    assert_problem(response, status)
    shown = client.get(f"/admin/tenants/{credentials['appId']}", headers=bearer(admin_token))
    assert shown.get_json()["secretVersion"] == 1


def test_rotate_secret_accepts_no_body_or_an_empty_object(
    client: FlaskClient, admin_token: str
) -> None:
    credentials = register(client, admin_token).get_json()
    url = f"/admin/tenants/{credentials['appId']}/rotate-secret"
    assert client.post(url, headers=bearer(admin_token)).status_code == 200
    assert client.post(url, json={}, headers=bearer(admin_token)).status_code == 200


def test_an_oversized_body_is_413_even_where_no_body_is_read(
    client: FlaskClient, admin_token: str
) -> None:
    response = client.get(
        "/admin/tenants",
        data=b"x" * 1_000_000,
        content_type="application/json",
        headers=bearer(admin_token),
    )
    assert_problem(response, 413)


@pytest.mark.parametrize(
    "query", [{"after": "\x00"}, {"after": "a b"}, {"foo": "bar"}, {"after": "x" * 64}]
)
def test_bad_listing_queries_are_400(client: FlaskClient, admin_token: str, query: dict) -> None:
    assert_problem(
        client.get("/admin/tenants", query_string=query, headers=bearer(admin_token)), 400
    )


def test_the_listing_cursor_ignores_letter_case(client: FlaskClient, admin_token: str) -> None:
    for name in ("alpha", "bravo"):
        register(client, admin_token, appName=name)
    services = services_of(client.application)
    services.queries.wait_for(services.ledger.head_position())
    page = client.get(
        "/admin/tenants", query_string={"after": "ALPHA"}, headers=bearer(admin_token)
    ).get_json()
    assert [item["appName"] for item in page["items"]] == ["bravo"]


def test_the_access_log_escapes_what_it_writes(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ledger.access"):
        client.get("/x%0a127.0.0.1%20%22POST%20/admin/tenants%22%20201%00?secret=s3cret")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "ledger.access"]
    assert "\n" not in line and "\x00" not in line
    assert "\\n127.0.0.1" in line
    assert "s3cret" not in line


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("", {"at": "9999-12-31T23:00:00-05:00"}),
        ("/failed-logins", {"since": "0001-01-01T00:00:00+01:00"}),
        ("/failed-logins", {"since": "9999-12-31T23:00:00-05:00"}),
        ("/events", {"after": "99999999999999999999"}),
    ],
)
def test_moments_and_cursors_out_of_range_are_400(
    client: FlaskClient, admin_token: str, path: str, query: dict
) -> None:
    tenant = register(client, admin_token).get_json()["appId"]
    response = client.get(
        f"/admin/tenants/{tenant}{path}", query_string=query, headers=bearer(admin_token)
    )
    assert_problem(response, 400)


def test_revoking_with_a_null_jti_does_not_revoke_everything(
    client: FlaskClient, admin_token: str
) -> None:
    tenant = register(client, admin_token).get_json()
    response = client.post(
        f"/admin/tenants/{tenant['appId']}/revoke-tokens",
        json={"jti": None},
        headers=bearer(admin_token),
    )
    assert_problem(response, 400)


def test_self_rotation_authenticates_before_it_parses(client: FlaskClient) -> None:
    assert_problem(client.post("/tenants/me/rotate-secret", json={}), 401)


def test_a_repeated_introspection_parameter_is_400(client: FlaskClient, admin_token: str) -> None:
    response = client.post(
        "/tokens/introspect",
        data="token=a&token=b",
        content_type="application/x-www-form-urlencoded",
        headers=bearer(admin_token),
    )
    assert_problem(response, 400)
    missing = client.post("/tokens/introspect", data={}, headers=bearer(admin_token))
    assert "token" in missing.get_json()["errors"]


def test_made_up_admin_tokens_share_one_limit_per_address(services, projector) -> None:
    import dataclasses

    from api.app import create_app

    services.settings = dataclasses.replace(services.settings, admin_limit="5/minute")
    limited = create_app(services=services).test_client()
    statuses = [
        limited.get("/admin/tenants", headers=bearer(f"ltla_made-up-{n}")).status_code
        for n in range(7)
    ]
    assert statuses == [401] * 5 + [429] * 2


def test_ipv6_clients_count_by_their_slash_64(services, projector) -> None:
    import dataclasses

    from api.app import create_app

    services.settings = dataclasses.replace(services.settings, login_limit_per_ip="3/minute")
    limited = create_app(services=services).test_client()
    statuses = [
        limited.post(
            "/tenants/login",
            json={"appName": "nobody", "appSecret": "x"},
            environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n}"},
        ).status_code
        for n in range(1, 6)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_a_failed_jwks_is_not_cacheable(client: FlaskClient) -> None:
    response = client.get("/.well-known/jwks.json")
    assert "max-age" in response.headers["Cache-Control"]
    assert client.get("/.well-known/nope.json").headers["Cache-Control"] == "no-store"
