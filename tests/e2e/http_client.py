"""The documented flow over real HTTP, as a tenant backend or an admin script drives it."""

import requests

TIMEOUT = 10


def register(base_url: str, admin_token: str, app_name: str, **overrides: object) -> dict:
    """Register a staging tenant; return the 201 body (it holds appId and appSecret)."""
    response = requests.post(
        f"{base_url}/admin/tenants",
        json={
            "appName": app_name,
            "contactEmail": f"ops@{app_name}.example",
            "webhookUrl": f"https://{app_name}.example/hooks",
            "environment": "staging",
            "sandbox": True,
            **overrides,
        },
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return response.json()


def login(base_url: str, app_name: str, app_secret: str) -> requests.Response:
    return requests.post(
        f"{base_url}/tenants/login",
        json={"appName": app_name, "appSecret": app_secret},
        timeout=TIMEOUT,
    )
