from datetime import timedelta
from typing import Any

from flask import g, request

from api.auth import require_tenant, tenant_claims
from api.context import services
from api.parsing import Blueprint
from api.schemas import (
    IssuedCredentialsResponse,
    LoginRequest,
    LoginResponse,
    RotateOwnSecretRequest,
    TenantProfile,
    credentials_body,
)

blueprint = Blueprint("tenants", __name__, url_prefix="/tenants", description="Tenant sign-in")


@blueprint.post("/login")
@blueprint.arguments(LoginRequest)
@blueprint.response(200, LoginResponse)
@blueprint.errors(400, 401, 403, 413, 415, 429)
def login(credentials: dict[str, Any]) -> Any:
    """Exchange appName and appSecret for a 24-hour access token."""
    return services().ledger.login(
        credentials["app_name"], credentials["app_secret"], client_ip=request.remote_addr
    )


@blueprint.get("/me")
@blueprint.response(200, TenantProfile)
@blueprint.errors(401, 503)
@blueprint.doc(security=[{"tenantToken": []}])
def me() -> Any:
    """The tenant the access token was issued to."""
    return services().queries.profile(tenant_claims().tenant_id)


@blueprint.post("/me/rotate-secret")
@require_tenant
@blueprint.arguments(RotateOwnSecretRequest)
@blueprint.response(200, IssuedCredentialsResponse)
@blueprint.errors(400, 401, 409, 413, 415)
@blueprint.doc(security=[{"tenantToken": []}])
def rotate_own_secret(body: dict[str, Any]) -> Any:
    """Replace your own secret, proving you hold the current one. The new one is shown once."""
    grace = timedelta(seconds=body["grace_seconds"])
    issued = services().ledger.rotate_own_secret(g.tenant_claims, body["app_secret"], grace=grace)
    return credentials_body(issued)
