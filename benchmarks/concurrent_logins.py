"""Logins of one tenant from many threads at once: they race on the tenant's version, and the
ledger retries the losers. Conflicts are counted by wrapping the ledger's save, not by
changing it."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError

from application.ledger import TenantLedger
from benchmarks import report
from benchmarks.databases import Database
from benchmarks.ledger_app import RunningLedger, TenantCredentials
from benchmarks.timing import Deadline

THREADS = 8
LOGINS_PER_THREAD = 40


class ConflictCounter:
    def __init__(self) -> None:
        self.conflicts = 0
        self._lock = threading.Lock()

    def wrap(self, save: Callable[..., Any]) -> Callable[..., Any]:
        def counted_save(*objects: Any, **kwargs: Any) -> Any:
            try:
                return save(*objects, **kwargs)
            except IntegrityError:
                with self._lock:
                    self.conflicts += 1
                raise

        return counted_save


@contextmanager
def counting_conflicts(ledger: TenantLedger) -> Iterator[ConflictCounter]:
    counter = ConflictCounter()
    ledger.save = counter.wrap(ledger.save)  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        del ledger.save


@dataclass(frozen=True)
class Throughput:
    attempted: int
    succeeded: int
    seconds: float
    failures: list[str]

    @property
    def per_second(self) -> float:
        return self.succeeded / self.seconds


def measure_throughput(
    ledger: RunningLedger,
    tenant: TenantCredentials,
    *,
    threads: int,
    per_thread: int,
    deadline: Deadline,
) -> Throughput:
    """Logins from threads started together; each stops early once the deadline passes."""
    start = threading.Barrier(threads + 1)
    attempted = [0] * threads
    succeeded = [0] * threads
    failures: list[str] = []

    def work(index: int) -> None:
        client = ledger.app.test_client()
        start.wait()
        while attempted[index] < per_thread and not deadline.passed():
            attempted[index] += 1
            try:
                ledger.login(tenant, client)
            except Exception as error:
                failures.append(repr(error))
            else:
                succeeded[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return Throughput(sum(attempted), sum(succeeded), time.perf_counter() - began, failures)


def run(ledger: RunningLedger, database: Database, *, deadline: Deadline) -> None:
    total = THREADS * LOGINS_PER_THREAD
    report.heading(f"4. Concurrent logins of one tenant, {THREADS} threads: {database.name}")
    tenant = ledger.register_tenant()
    sequential = measure_throughput(
        ledger, tenant, threads=1, per_thread=total, deadline=Deadline(deadline.remaining() / 3)
    )
    with counting_conflicts(ledger.services.ledger) as counter:
        concurrent = measure_throughput(
            ledger, tenant, threads=THREADS, per_thread=LOGINS_PER_THREAD, deadline=deadline
        )
    if concurrent.attempted < total or sequential.attempted < total:
        report.note("time budget reached: fewer logins than planned")
    report.line(f"1 thread, {sequential.attempted} logins", f"{sequential.per_second:9.1f} /s")
    report.line(
        f"{THREADS} threads, {concurrent.attempted} logins", f"{concurrent.per_second:9.1f} /s"
    )
    report.line(
        f"{THREADS} threads / 1 thread", report.ratio(concurrent.per_second, sequential.per_second)
    )
    report.line(
        f"succeeded with {THREADS} threads", f"{concurrent.succeeded:9d} of {concurrent.attempted}"
    )
    report.line("save attempts lost to a version conflict", f"{counter.conflicts:9d}")
    report.line(
        "  retries per successful login",
        f"{counter.conflicts / max(concurrent.succeeded, 1):9.2f}",
    )
    for failure in (sequential.failures + concurrent.failures)[:3]:
        report.note(f"FAILED: {failure}")
