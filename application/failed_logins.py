"""Failed logins, counted per tenant per hour: auditable, and bounded however hard a client
tries (docs/decisions/0011-failed-logins.md)."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

MAX_IPS_PER_WINDOW = 20
RETENTION = timedelta(days=90)


@dataclass(frozen=True)
class FailedLoginWindow:
    """tenant_id is None for attempts on app names that are not registered."""

    tenant_id: UUID | None
    window_start: datetime
    attempts: int
    client_ips: list[str]
    last_attempt_at: datetime


def window_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class FailedLogins(ABC):
    @abstractmethod
    def record(self, tenant_id: UUID | None, at: datetime, client_ip: str | None) -> None:
        """Count one failed attempt in its hour; remember at most MAX_IPS_PER_WINDOW
        distinct client IPs per hour."""

    @abstractmethod
    def windows(self, tenant_id: UUID | None, *, since: datetime) -> list[FailedLoginWindow]:
        """The hours since `since` with failed attempts, oldest first."""

    @abstractmethod
    def prune(self, *, before: datetime) -> int:
        """Forget hours that started before `before`; return how many."""


def merged_ips(known: list[str], client_ip: str | None) -> list[str]:
    if client_ip is None or client_ip in known or len(known) >= MAX_IPS_PER_WINDOW:
        return known
    return [*known, client_ip]
