"""The flow of the platform's Getting Started page, field by field."""

import re

import jwt
from flask.testing import FlaskClient

from tests.api.client import REGISTRATION, bearer, login, register

CREATED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_register_login_and_see_yourself(client: FlaskClient, admin_token: str) -> None:
    registered = register(client, admin_token)
    assert registered.status_code == 201
    credentials = registered.get_json()
    assert UUID.fullmatch(credentials["appId"])
    assert len(credentials["appSecret"]) >= 43  # 256 bits, URL-safe base64
    assert registered.headers["Cache-Control"] == "no-store"

    logged_in = login(client, "my-saas-app", credentials["appSecret"])
    assert logged_in.status_code == 200
    assert logged_in.headers["Cache-Control"] == "no-store"
    body = logged_in.get_json()
    assert set(body) == {"accessToken", "tenantId", "appName", "expiresIn"}
    assert body["tenantId"] == credentials["appId"]
    assert body["appName"] == "my-saas-app"
    assert body["expiresIn"] == "24h"

    me = client.get("/tenants/me", headers=bearer(body["accessToken"]))
    assert me.status_code == 200
    profile = me.get_json()
    assert profile["id"] == credentials["appId"]
    assert profile["appName"] == "my-saas-app"
    assert profile["status"] == "active"
    assert profile["webhookUrl"] == REGISTRATION["webhookUrl"]
    assert CREATED_AT.fullmatch(profile["createdAt"])
    assert profile["createdAt"] == credentials["createdAt"]
    assert "appSecret" not in profile and "contactEmail" not in profile


def test_the_access_token_verifies_against_the_published_jwks(
    client: FlaskClient, admin_token: str
) -> None:
    credentials = register(client, admin_token).get_json()
    token = login(client, "my-saas-app", credentials["appSecret"]).get_json()["accessToken"]
    jwks = client.get("/.well-known/jwks.json").get_json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["ES256"], audience="billing-platform")
    assert claims["sub"] == credentials["appId"]
    assert claims["exp"] - claims["iat"] == 86400
    assert claims["client_id"] == "my-saas-app"


def test_wrong_secret_and_unknown_app_get_identical_401s(
    client: FlaskClient, admin_token: str
) -> None:
    register(client, admin_token)
    wrong_secret = login(client, "my-saas-app", "guess")
    unknown_app = login(client, "no-such-app", "guess")
    assert wrong_secret.status_code == unknown_app.status_code == 401
    assert wrong_secret.get_json() == unknown_app.get_json()
    assert wrong_secret.content_type == "application/problem+json"


def test_rotation_returns_a_new_secret_once_and_retires_the_old(
    client: FlaskClient, admin_token: str
) -> None:
    credentials = register(client, admin_token).get_json()
    rotated = client.post(
        f"/admin/tenants/{credentials['appId']}/rotate-secret", headers=bearer(admin_token)
    )
    assert rotated.status_code == 200
    assert rotated.headers["Cache-Control"] == "no-store"
    new_secret = rotated.get_json()["appSecret"]
    assert rotated.get_json()["secretVersion"] == 2
    assert login(client, "my-saas-app", credentials["appSecret"]).status_code == 401
    assert login(client, "my-saas-app", new_secret).status_code == 200
    shown = client.get(f"/admin/tenants/{credentials['appId']}", headers=bearer(admin_token))
    assert "appSecret" not in shown.get_json()
    assert shown.get_json()["secretVersion"] == 2
