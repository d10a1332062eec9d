"""The real Flask app on a given database, with its read model kept up to date, driven through
Flask's test client the way an HTTP client would drive it."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from api.app import create_app
from api.context import services_of
from application.projector import BackgroundProjector
from infrastructure.services import Services
from infrastructure.settings import Settings


class RequestFailedError(RuntimeError):
    pass


@dataclass(frozen=True)
class TenantCredentials:
    tenant_id: UUID
    app_name: str
    app_secret: str


class RunningLedger:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.services: Services = services_of(app)
        self.client = app.test_client()
        self._admin_token = self.services.ledger.create_admin_token("bench")

    def register_tenant(self) -> TenantCredentials:
        app_name = f"bench-{uuid.uuid4().hex[:10]}"
        body = _ok(
            self.client.post(
                "/admin/tenants",
                json={
                    "appName": app_name,
                    "contactEmail": "bench@example.com",
                    "webhookUrl": "https://example.com/webhook",
                    "environment": "staging",
                    "sandbox": True,
                },
                headers={"Authorization": f"Bearer {self._admin_token}"},
            ),
            201,
        )
        return TenantCredentials(UUID(body["appId"]), app_name, body["appSecret"])

    def login(self, tenant: TenantCredentials, client: FlaskClient | None = None) -> str:
        response = (client or self.client).post(
            "/tenants/login", json={"appName": tenant.app_name, "appSecret": tenant.app_secret}
        )
        return _ok(response, 200)["accessToken"]

    def me(self, token: str) -> dict[str, Any]:
        return _ok(self.client.get("/tenants/me", headers={"Authorization": f"Bearer {token}"}))


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    if response.status_code != status:
        raise RequestFailedError(f"{response.request.path}: {response.status} {response.data!r}")
    return response.get_json()


@contextmanager
def running_ledger(environ: dict[str, str]) -> Iterator[RunningLedger]:
    app = create_app(Settings.from_environ(environ))
    services = services_of(app)
    projector = BackgroundProjector(services.projector()).start()
    try:
        yield RunningLedger(app)
    finally:
        projector.stop()
        services.close()
