"""`ledger verify`: is the event log exactly what the ledger wrote? See decision 9."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from application.ledger import TenantLedger
from domain.app_name import AppNameIndex
from domain.chain import GENESIS, content_of
from domain.tenant import Tenant

TENANT_EVENTS = (
    Tenant.Registered,
    Tenant.SecretRotated,
    Tenant.TokenIssued,
    Tenant.Suspended,
    Tenant.Reactivated,
    Tenant.TokensRevoked,
    Tenant.TokenRevoked,
)
_READ_BATCH = 500


@dataclass(frozen=True)
class BrokenLink:
    tenant_id: UUID
    version: int
    reason: str


@dataclass(frozen=True)
class Verification:
    events_checked: int
    snapshots_checked: int
    tenants_checked: int
    broken: BrokenLink | None


class _Broken(Exception):
    def __init__(self, tenant_id: UUID, version: int, reason: str) -> None:
        super().__init__(reason)
        self.link = BrokenLink(tenant_id, version, reason)


class _Check:
    def __init__(self, ledger: TenantLedger) -> None:
        self._ledger = ledger
        self.heads: dict[UUID, tuple[int, str]] = {}  # tenant -> (last version, last digest)
        self.claimed: set[UUID] = set()
        self.events = 0
        self.snapshots = 0

    def run(self) -> None:
        for notification in self._notifications():
            self._check_notification(notification)
        for tenant_id in sorted(self.claimed - self.heads.keys()):
            raise _Broken(tenant_id, 1, "an app name is claimed by a tenant with no events")
        for tenant_id in self.heads:
            self._check_snapshots(tenant_id)

    def _check_notification(self, notification: Any) -> None:
        where = (notification.originator_id, notification.originator_version)
        try:
            event = self._ledger.mapper.to_domain_event(notification)
        except Exception as error:
            raise _Broken(*where, f"unreadable event ({type(error).__name__})") from None
        if isinstance(event, AppNameIndex.Created):
            self.claimed.add(event.tenant_id)
        if not isinstance(event, TENANT_EVENTS) and event.originator_id not in self.heads:
            return  # not a tenant's event: admin tokens and name claims are not chained
        if not isinstance(event, TENANT_EVENTS):
            raise _Broken(*where, f"not a tenant event: {notification.topic}")
        if notification.topic != get_topic(type(event)):
            raise _Broken(*where, f"unexpected topic {notification.topic}")
        if isinstance(event, Tenant.Registered) and event.originator_topic != get_topic(Tenant):
            raise _Broken(*where, "registers something other than a tenant")
        last_version, last_digest = self.heads.get(event.originator_id, (0, GENESIS))
        if event.originator_version != last_version + 1:
            raise _Broken(event.originator_id, last_version + 1, "event missing")
        try:
            expected = self._ledger.sealer(last_digest, content_of(event))
        except Exception as error:
            raise _Broken(*where, f"malformed event ({type(error).__name__})") from None
        if event.digest != expected:
            raise _Broken(*where, "digest does not match the event")
        self.heads[event.originator_id] = (event.originator_version, event.digest)
        self.events += 1

    def _check_snapshots(self, tenant_id: UUID) -> None:
        """Every stored snapshot, at whatever version, must equal the state its events give."""
        if self._ledger.snapshots is None:
            return
        last_version = self.heads[tenant_id][0]
        snapshots = {}
        for stored in self._ledger.snapshots.recorder.select_events(tenant_id):
            try:
                snapshots[stored.originator_version] = self._ledger.mapper.to_domain_event(stored)
            except Exception as error:
                reason = f"unreadable snapshot ({type(error).__name__})"
                raise _Broken(tenant_id, stored.originator_version, reason) from None
        if not snapshots:
            return
        for version, snapshot in snapshots.items():
            if snapshot.topic != get_topic(Tenant) or version > last_version:
                raise _Broken(tenant_id, version, "snapshot of something else")
        tenant: Tenant | None = None
        for event in self._ledger.events.get(tenant_id, lte=max(snapshots)):
            tenant = event.mutate(tenant)
            snapshot = snapshots.get(event.originator_version)
            if snapshot is not None:
                self.snapshots += 1
                try:
                    restored = snapshot.mutate(None)
                except Exception:
                    restored = None
                if type(restored) is not Tenant or vars(restored) != vars(tenant):
                    raise _Broken(
                        tenant_id, event.originator_version, "snapshot differs from events"
                    )

    def _notifications(self) -> Iterator[Any]:
        position = 0
        while True:
            notifications = self._ledger.recorder.select_notifications(
                start=position, limit=_READ_BATCH, inclusive_of_start=False
            )
            if not notifications:
                return
            yield from notifications
            position = notifications[-1].id


def verify_ledger(ledger: TenantLedger) -> Verification:
    """Recompute every tenant's chain of digests; check every event's topic and type, every
    gap in versions, every name claim, and every snapshot. Stop at the first broken link."""
    check = _Check(ledger)
    try:
        check.run()
    except _Broken as broken:
        return Verification(check.events, check.snapshots, len(check.heads), broken.link)
    return Verification(check.events, check.snapshots, len(check.heads), None)
