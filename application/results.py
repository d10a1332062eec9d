"""What the ledger's commands and queries return: plain frozen values, never aggregates."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.tenant import Tenant


@dataclass(frozen=True)
class TenantDetails:
    tenant_id: UUID
    app_name: str
    contact_email: str
    webhook_url: str
    environment: str
    sandbox: bool
    status: str
    secret_version: int
    secret_fingerprint: str
    created_at: datetime
    tokens_issued: int
    version: int


@dataclass(frozen=True)
class IssuedCredentials:
    """A secret, shown once to whoever registered or rotated it."""

    tenant: TenantDetails
    app_secret: str
    position: int


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    tenant_id: UUID
    app_name: str
    expires_in: str
    position: int


def details_of(tenant: Tenant) -> TenantDetails:
    return TenantDetails(
        tenant_id=tenant.id,
        app_name=tenant.app_name,
        contact_email=tenant.contact_email,
        webhook_url=tenant.webhook_url,
        environment=tenant.environment,
        sandbox=tenant.sandbox,
        status=tenant.status,
        secret_version=tenant.secret_version,
        secret_fingerprint=tenant.secret_fingerprint,
        created_at=tenant.created_on,
        tokens_issued=tenant.tokens_issued,
        version=tenant.version,
    )
