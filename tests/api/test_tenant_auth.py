import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from tests.api.client import bearer, registered_and_logged_in


def b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer not.a.jwt", "Bearer a.b.c"],
)
def test_missing_or_malformed_tokens_are_401(
    client: FlaskClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    assert_unauthorized(client.get("/tenants/me", headers=headers))


def test_a_tampered_token_is_401(client: FlaskClient, admin_token: str) -> None:
    _, token = registered_and_logged_in(client, admin_token)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] += 3600
    assert_unauthorized(
        client.get("/tenants/me", headers=bearer(f"{header}.{b64(claims)}.{signature}"))
    )


def test_an_expired_token_is_401(client: FlaskClient, admin_token: str, clock) -> None:
    clock.set(datetime.now(tz=UTC) - timedelta(hours=25))
    _, token = registered_and_logged_in(client, admin_token)
    assert_unauthorized(client.get("/tenants/me", headers=bearer(token)))


def test_an_admin_token_is_not_a_tenant_token(client: FlaskClient, admin_token: str) -> None:
    assert_unauthorized(client.get("/tenants/me", headers=bearer(admin_token)))


def test_a_token_in_the_query_string_is_not_accepted(client: FlaskClient, admin_token: str) -> None:
    _, token = registered_and_logged_in(client, admin_token)
    assert_unauthorized(client.get("/tenants/me", query_string={"access_token": token}))
    assert client.get("/tenants/me", headers=bearer(token)).status_code == 200
