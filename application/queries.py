"""Reads served from the tenants read model, with read-your-writes where a caller needs it."""

from uuid import UUID

from application.errors import TenantNotFoundError, ViewNotReadyError
from application.ledger import TenantLedger
from application.views import TenantRow, TenantsView

MAX_PAGE_SIZE = 200


class TenantQueries:
    def __init__(
        self, ledger: TenantLedger, view: TenantsView, *, wait_timeout_seconds: float = 2.0
    ) -> None:
        self._ledger = ledger
        self._view = view
        self._wait_timeout = wait_timeout_seconds

    def profile(self, tenant_id: UUID) -> TenantRow:
        """The tenant as the read model shows it.

        A tenant holding a valid token exists in the event store; if the view lacks it, the view
        is behind, so wait (bounded) for it to reach what the store holds now."""
        row = self._view.get_tenant(tenant_id)
        if row is not None:
            return row
        self.wait_for(self._ledger.head_position())
        row = self._view.get_tenant(tenant_id)
        if row is None:
            raise TenantNotFoundError(f"no tenant with id {tenant_id}")
        return row

    def wait_for(self, position: int) -> None:
        try:
            self._view.wait(self._ledger.name, position, timeout=self._wait_timeout)
        except TimeoutError:
            raise ViewNotReadyError(
                "the tenants read model is catching up; try again shortly",
                retry_after_seconds=1,
            ) from None

    def list_tenants(self, *, after: str | None, limit: int) -> list[TenantRow]:
        return self._view.list_tenants(after=after, limit=min(max(limit, 1), MAX_PAGE_SIZE))
