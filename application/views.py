"""The tenants read model: what /tenants/me and the admin listing read."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import Tracking, TrackingRecorder


@dataclass(frozen=True)
class TenantRow:
    tenant_id: UUID
    app_name: str
    canonical_name: str
    contact_email: str
    webhook_url: str
    environment: str
    sandbox: bool
    status: str
    secret_version: int
    created_at: datetime
    updated_at: datetime


class TenantsView(TrackingRecorder, ABC):
    """Each write records its tracking position in the same transaction, so an event is
    applied exactly once, however often it is delivered."""

    @abstractmethod
    def insert_tenant(self, row: TenantRow, tracking: Tracking) -> None: ...

    @abstractmethod
    def update_secret_version(
        self, tenant_id: UUID, secret_version: int, updated_at: datetime, tracking: Tracking
    ) -> None: ...

    @abstractmethod
    def update_status(
        self, tenant_id: UUID, status: str, updated_at: datetime, tracking: Tracking
    ) -> None: ...

    @abstractmethod
    def get_tenant(self, tenant_id: UUID) -> TenantRow | None: ...

    @abstractmethod
    def list_tenants(self, *, after: str | None, limit: int) -> list[TenantRow]:
        """Tenants ordered by canonical app name, starting after the given one."""

    @abstractmethod
    def replace_all(self, complete: "Completion") -> None:
        """In one transaction that first locks the view against other writers, call
        complete(live position, live rows). If it returns rows and a position, they replace
        every row and the tracking position; if it returns None, nothing changes. Readers see
        the old rows until the transaction commits, then the new ones."""

    def all_tenants(self) -> Iterator[TenantRow]:
        after = None
        while page := self.list_tenants(after=after, limit=500):
            yield from page
            after = page[-1].canonical_name


Completion = Callable[[int, list[TenantRow]], tuple[Sequence[TenantRow], int] | None]
