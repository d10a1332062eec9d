"""Rebuilding the tenants read model from events, swapped in while the API keeps serving."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from application.ledger import TenantLedger
from application.projection import TenantsProjection
from application.projector import Projector
from application.views import TenantRow, TenantsView


@dataclass(frozen=True)
class RebuildReport:
    events: int
    seconds: float
    swapped: bool
    differences: list[str]

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def rebuild_tenants_view(
    ledger: TenantLedger,
    live: TenantsView,
    shadow: TenantsView,
    *,
    verify_only: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Replay every event into `shadow` (an empty view), then, holding the live view's write
    lock only for the last few events, either swap the result in or just compare it."""
    started = time.perf_counter()
    projector = Projector(ledger, TenantsProjection(shadow), subscribe=False)
    # Outside the lock: the bulk of the events. For a comparison, stop where the live view is,
    # so both describe the same position.
    if verify_only:
        live_position = live.max_tracking_id(ledger.name) or 0
        replayed = projector.catch_up(stop=live_position, on_batch=on_batch) if live_position else 0
    else:
        replayed = projector.catch_up(on_batch=on_batch)
    differences: list[str] = []

    def complete(
        live_position: int, live_rows: list[TenantRow]
    ) -> tuple[Sequence[TenantRow], int] | None:
        nonlocal replayed
        if verify_only:
            if live_position:
                replayed += projector.catch_up(stop=live_position, on_batch=on_batch)
            differences.extend(compare(live_rows, list(shadow.all_tenants())))
            return None
        replayed += projector.catch_up(on_batch=on_batch)
        return list(shadow.all_tenants()), projector.position

    live.replace_all(complete)
    return RebuildReport(replayed, time.perf_counter() - started, not verify_only, differences)


def compare(live: Sequence[TenantRow], rebuilt: Sequence[TenantRow]) -> list[str]:
    """Every difference between two sets of rows, one line each."""
    live_by_id = {row.tenant_id: row for row in live}
    rebuilt_by_id = {row.tenant_id: row for row in rebuilt}
    differences = [
        f"{tenant_id}: missing from the live view"
        for tenant_id in rebuilt_by_id.keys() - live_by_id.keys()
    ]
    differences += [
        f"{tenant_id}: in the live view but not in the events"
        for tenant_id in live_by_id.keys() - rebuilt_by_id.keys()
    ]
    for tenant_id in live_by_id.keys() & rebuilt_by_id.keys():
        for field in fields(TenantRow):
            live_value = getattr(live_by_id[tenant_id], field.name)
            rebuilt_value = getattr(rebuilt_by_id[tenant_id], field.name)
            if live_value != rebuilt_value:
                differences.append(
                    f"{tenant_id}: {field.name} is {live_value!r} live, {rebuilt_value!r} rebuilt"
                )
    return sorted(differences)
