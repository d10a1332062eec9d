"""Talks to the API the way a tenant backend or an admin script would."""

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

REGISTRATION = {
    "appName": "my-saas-app",
    "contactEmail": "ops@my-saas.app",
    "webhookUrl": "https://my-saas.app/webhooks/billing",
    "environment": "staging",
    "sandbox": False,
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: FlaskClient, admin_token: str, **overrides: Any) -> TestResponse:
    return client.post(
        "/admin/tenants", json={**REGISTRATION, **overrides}, headers=bearer(admin_token)
    )


def login(client: FlaskClient, app_name: str, app_secret: str) -> TestResponse:
    return client.post("/tenants/login", json={"appName": app_name, "appSecret": app_secret})


def registered_and_logged_in(client: FlaskClient, admin_token: str) -> tuple[dict, str]:
    registered = register(client, admin_token).get_json()
    token = login(client, registered["appName"], registered["appSecret"]).get_json()
    return registered, token["accessToken"]
