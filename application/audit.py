"""What auditors ask of the event log: history, state at a moment, changes, export, integrity."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.errors import TenantNotFoundError
from application.failed_logins import FailedLoginWindow
from application.integrity import TENANT_EVENTS, Verification, verify_ledger
from application.ledger import TenantLedger
from application.results import TenantDetails, details_of
from domain.tenant import Tenant

TENANT_TOPICS = tuple(f"domain.tenant:{event.__qualname__}" for event in TENANT_EVENTS)
MAX_HISTORY_PAGE = 500
_READ_BATCH = 500


@dataclass(frozen=True)
class AuditEntry:
    tenant_id: UUID
    version: int
    type: str
    occurred_at: datetime
    actor: str
    details: dict[str, Any]
    position: int | None = None


@dataclass(frozen=True)
class TenantAsOf:
    at: datetime
    tenant: TenantDetails


def format_timestamp(moment: datetime) -> str:
    """UTC with milliseconds and a Z, as in 2025-01-01T00:00:00.000Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def audit_entry(event: Any, position: int | None = None) -> AuditEntry:
    """An event as an auditor reads it: secrets appear as a version and a fingerprint only."""
    if isinstance(event, Tenant.Registered):
        kind, actor = "TenantRegistered", event.registered_by
        details: dict[str, Any] = {
            "appName": event.app_name,
            "contactEmail": event.contact_email,
            "webhookUrl": event.webhook_url,
            "environment": event.environment,
            "sandbox": event.sandbox,
            "secretVersion": 1,
            "secretFingerprint": event.secret_fingerprint,
        }
    elif isinstance(event, Tenant.SecretRotated):
        kind, actor = "SecretRotated", event.rotated_by
        details = {
            "secretVersion": event.secret_version,
            "secretFingerprint": event.secret_fingerprint,
            "previousSecretValidUntil": _timestamp_or_none(event.grace_until),
            "tokenEpoch": event.token_epoch,
        }
    elif isinstance(event, Tenant.TokenIssued):
        kind, actor = "TokenIssued", "tenant"
        details = {
            "jti": event.jti,
            "expiresAt": format_timestamp(event.expires_at),
            "secretVersion": event.secret_version,
            "tokenEpoch": event.token_epoch,
            "clientIp": event.client_ip,
        }
    elif isinstance(event, Tenant.Suspended):
        kind, actor = "TenantSuspended", event.suspended_by
        details = {"reason": event.reason, "tokenEpoch": event.token_epoch}
    elif isinstance(event, Tenant.Reactivated):
        kind, actor, details = "TenantReactivated", event.reactivated_by, {}
    elif isinstance(event, Tenant.TokensRevoked):
        kind, actor = "TokensRevoked", event.revoked_by
        details = {"tokenEpoch": event.token_epoch}
    elif isinstance(event, Tenant.TokenRevoked):
        kind, actor = "TokenRevoked", event.revoked_by
        details = {"jti": event.jti}
    else:
        raise TypeError(f"not a tenant event: {type(event).__qualname__}")
    return AuditEntry(
        tenant_id=event.originator_id,
        version=event.originator_version,
        type=kind,
        occurred_at=event.timestamp,
        actor=actor,
        details=details,
        position=position,
    )


def _timestamp_or_none(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None


class TenantAudit:
    def __init__(self, ledger: TenantLedger) -> None:
        self._ledger = ledger

    def history(
        self, tenant_id: UUID, *, after_version: int = 0, limit: int = 100
    ) -> list[AuditEntry]:
        self._ledger.get_tenant_aggregate(tenant_id, version=1)  # 404 for what is not a tenant
        limit = min(max(limit, 1), MAX_HISTORY_PAGE)
        events = self._ledger.events.get(tenant_id, gt=after_version, limit=limit)
        return [audit_entry(event) for event in events]

    def failed_logins(self, tenant_id: UUID, *, since: datetime) -> list[FailedLoginWindow]:
        self._ledger.get_tenant_aggregate(tenant_id, version=1)  # 404 for what is not a tenant
        return self._ledger.failed_logins.windows(tenant_id, since=since)

    def state_at(self, tenant_id: UUID, at: datetime) -> TenantAsOf:
        """The tenant as it stood at a moment, replayed from its events (not the read model)."""
        version = self.version_at(tenant_id, at)
        if version == 0:
            raise TenantNotFoundError(f"tenant {tenant_id} was not registered yet at {at}")
        tenant = self._ledger.get_tenant_aggregate(tenant_id, version=version)
        return TenantAsOf(at, details_of(tenant))

    def changes_between(self, tenant_id: UUID, start: datetime, end: datetime) -> list[AuditEntry]:
        """Every event after start, up to and including end."""
        first = self.version_at(tenant_id, start)
        last = self.version_at(tenant_id, end)
        events = self._ledger.events.get(tenant_id, gt=first, lte=last)
        return [audit_entry(event) for event in events]

    def version_at(self, tenant_id: UUID, at: datetime) -> int:
        """The last version recorded at or before `at`: a binary search over versions, so a
        tenant with 100,000 events costs ~17 single-event reads, then a snapshot load."""
        latest = list(self._ledger.events.get(tenant_id, desc=True, limit=1))
        if not latest or not isinstance(latest[0], TENANT_EVENTS):
            raise TenantNotFoundError(f"no tenant with id {tenant_id}")
        low, high = 0, latest[0].originator_version
        while low < high:
            middle = (low + high + 1) // 2
            (event,) = self._ledger.events.get(tenant_id, gt=middle - 1, lte=middle)
            if event.timestamp <= at:
                low = middle
            else:
                high = middle - 1
        return low

    def export(self, *, since: datetime | None = None) -> Iterator[AuditEntry]:
        """Every tenant event in the order it was recorded, a page at a time."""
        for notification, event in self._tenant_events():
            if since is None or event.timestamp >= since:
                yield audit_entry(event, notification.id)

    def verify(self) -> Verification:
        return verify_ledger(self._ledger)

    def _tenant_events(self) -> Iterator[tuple[Any, Any]]:
        position = 0
        while True:
            notifications = self._ledger.recorder.select_notifications(
                start=position, limit=_READ_BATCH, topics=TENANT_TOPICS, inclusive_of_start=False
            )
            if not notifications:
                return
            for notification in notifications:
                yield notification, self._ledger.mapper.to_domain_event(notification)
            position = notifications[-1].id
