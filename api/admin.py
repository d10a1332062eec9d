from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from flask import g

from api.auth import require_admin
from api.context import services
from api.parsing import Blueprint
from api.schemas import (
    AuditPage,
    AuditPageQuery,
    EmptyBody,
    FailedLoginsQuery,
    FailedLoginsResponse,
    IssuedCredentialsResponse,
    RegisterTenantRequest,
    RevokeTokensRequest,
    RotateSecretRequest,
    SuspendRequest,
    TenantAdminView,
    TenantPage,
    TenantPageQuery,
    TenantQuery,
    credentials_body,
)

blueprint = Blueprint(
    "admin", __name__, url_prefix="/admin", description="Tenant administration (admin token)"
)
ADMIN_SECURITY = [{"adminToken": []}]
DEFAULT_FAILED_LOGINS_SPAN = timedelta(days=7)


@blueprint.post("/tenants")
@require_admin
@blueprint.arguments(RegisterTenantRequest)
@blueprint.response(201, IssuedCredentialsResponse)
@blueprint.errors(400, 401, 403, 409, 413, 415)
@blueprint.doc(security=ADMIN_SECURITY)
def register_tenant(registration: dict[str, Any]) -> Any:
    """Register a tenant. The response holds its secret, which is never shown again."""
    issued = services().ledger.register_tenant(**registration, actor=g.admin_name)
    return credentials_body(issued)


@blueprint.get("/tenants")
@require_admin
@blueprint.arguments(TenantPageQuery, location="query")
@blueprint.response(200, TenantPage)
@blueprint.errors(400, 401, 403)
@blueprint.doc(security=ADMIN_SECURITY)
def list_tenants(page: dict[str, Any]) -> Any:
    """Tenants in order of app name, a page at a time."""
    after = page["after"].lower() if page["after"] else None
    rows = services().queries.list_tenants(after=after, limit=page["limit"])
    next_after = rows[-1].canonical_name if len(rows) == page["limit"] else None
    return {"items": rows, "next_after": next_after}


@blueprint.get("/tenants/<uuid:tenant_id>")
@require_admin
@blueprint.arguments(TenantQuery, location="query")
@blueprint.response(200, TenantAdminView)
@blueprint.errors(400, 401, 403, 404)
@blueprint.doc(security=ADMIN_SECURITY)
def get_tenant(query: dict[str, Any], tenant_id: UUID) -> Any:
    """One tenant, read from its events; with `at`, as it stood at that moment."""
    if query["at"] is None:
        return services().ledger.tenant_details(tenant_id)
    state = services().audit.state_at(tenant_id, query["at"])
    return {**asdict(state.tenant), "as_of": state.at}


@blueprint.get("/tenants/<uuid:tenant_id>/events")
@require_admin
@blueprint.arguments(AuditPageQuery, location="query")
@blueprint.response(200, AuditPage)
@blueprint.errors(400, 401, 403, 404)
@blueprint.doc(security=ADMIN_SECURITY)
def tenant_events(page: dict[str, Any], tenant_id: UUID) -> Any:
    """The tenant's events in order. Secrets appear only as a version and a fingerprint."""
    entries = services().audit.history(tenant_id, after_version=page["after"], limit=page["limit"])
    next_after = entries[-1].version if len(entries) == page["limit"] else None
    return {"items": entries, "next_after": next_after}


@blueprint.post("/tenants/<uuid:tenant_id>/rotate-secret")
@require_admin
@blueprint.arguments(RotateSecretRequest)
@blueprint.response(200, IssuedCredentialsResponse)
@blueprint.errors(400, 401, 403, 404, 409, 413, 415)
@blueprint.doc(security=ADMIN_SECURITY)
def rotate_secret(body: dict[str, Any], tenant_id: UUID) -> Any:
    """Replace the tenant's secret, shown once. Without grace the old secret and every token
    issued so far stop working at once; with graceSeconds both keep working until it ends."""
    grace = timedelta(seconds=body["grace_seconds"])
    return credentials_body(
        services().ledger.rotate_secret(tenant_id, actor=g.admin_name, grace=grace)
    )


@blueprint.post("/tenants/<uuid:tenant_id>/suspend")
@require_admin
@blueprint.arguments(SuspendRequest)
@blueprint.response(200, TenantAdminView)
@blueprint.errors(400, 401, 403, 404, 409, 413, 415)
@blueprint.doc(security=ADMIN_SECURITY)
def suspend(body: dict[str, Any], tenant_id: UUID) -> Any:
    """Suspend a tenant: it can no longer log in, and its tokens stop working at once."""
    return services().ledger.suspend(tenant_id, reason=body["reason"], actor=g.admin_name)


@blueprint.post("/tenants/<uuid:tenant_id>/reactivate")
@require_admin
@blueprint.arguments(EmptyBody)
@blueprint.response(200, TenantAdminView)
@blueprint.errors(400, 401, 403, 404, 409, 413, 415)
@blueprint.doc(security=ADMIN_SECURITY)
def reactivate(_: dict[str, Any], tenant_id: UUID) -> Any:
    """Let a suspended tenant log in again (its earlier tokens stay revoked)."""
    return services().ledger.reactivate(tenant_id, actor=g.admin_name)


@blueprint.post("/tenants/<uuid:tenant_id>/revoke-tokens")
@require_admin
@blueprint.arguments(RevokeTokensRequest)
@blueprint.response(200, TenantAdminView)
@blueprint.errors(400, 401, 403, 404, 413, 415)
@blueprint.doc(security=ADMIN_SECURITY)
def revoke_tokens(body: dict[str, Any], tenant_id: UUID) -> Any:
    """Revoke every token issued so far, or with `jti`, just that one. Takes effect at once."""
    return services().ledger.revoke_tokens(tenant_id, actor=g.admin_name, jti=body["jti"])


@blueprint.get("/tenants/<uuid:tenant_id>/failed-logins")
@require_admin
@blueprint.arguments(FailedLoginsQuery, location="query")
@blueprint.response(200, FailedLoginsResponse)
@blueprint.errors(400, 401, 403, 404)
@blueprint.doc(security=ADMIN_SECURITY)
def failed_logins(query: dict[str, Any], tenant_id: UUID) -> Any:
    """Failed login attempts per hour: how many, and from which client IPs."""
    since = query["since"] or datetime.now(tz=UTC) - DEFAULT_FAILED_LOGINS_SPAN
    return {"items": services().audit.failed_logins(tenant_id, since=since)}
