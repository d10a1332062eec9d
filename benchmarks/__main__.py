"""`python -m benchmarks`: every benchmark, one report, within about three minutes."""

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from importlib.metadata import version
from pathlib import Path

from benchmarks import (
    audit_queries,
    concurrent_logins,
    jwt_signing,
    report,
    request_latency,
    tenant_loading,
)
from benchmarks.databases import (
    Database,
    postgres_database,
    postgres_unreachable_reason,
    sqlite_database,
)
from benchmarks.ledger_app import running_ledger
from benchmarks.timing import Deadline

TIME_BUDGET_SECONDS = 165.0
RESERVE_AFTER_LOADING_SECONDS = 25.0
DEFAULT_LOGINS = 2000

DatabaseFactory = Callable[[Path], AbstractContextManager[Database]]


def _logins() -> int:
    value = os.environ.get("BENCH_LOGINS", str(DEFAULT_LOGINS))
    try:
        logins = int(value)
    except ValueError:
        sys.exit(f"BENCH_LOGINS must be a whole number, not {value!r}")
    if logins < 1:
        sys.exit("BENCH_LOGINS must be at least 1")
    return logins


def _header(logins: int) -> None:
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("eventsourcing", "flask", "pyjwt", "psycopg")
    )
    print("Tenant Ledger benchmarks", flush=True)
    report.line("python", f"{platform.python_version()} on {platform.machine()}")
    report.line("packages", packages)
    report.line("BENCH_LOGINS", str(logins))


def run_database(
    factory: DatabaseFactory, workdir: Path, *, logins: int, deadline: Deadline, shares: int
) -> None:
    with factory(workdir) as database, running_ledger(database.environ) as ledger:
        request_latency.run(ledger, database)
        loading_seconds = (deadline.remaining() - RESERVE_AFTER_LOADING_SECONDS * shares) / shares
        tenant_loading.run(ledger, database, logins=logins, deadline=Deadline(loading_seconds))
        if database.is_postgres:
            concurrent_logins.run(ledger, database, deadline=deadline)
        postgres = database.is_postgres
    if postgres and os.environ.get("BENCH_AUDIT_EVENTS", "100000") != "0":
        (workdir / "audit").mkdir()
        with factory(workdir / "audit") as audit_database:
            audit_queries.run(audit_database)


def main() -> None:
    started = time.perf_counter()
    deadline = Deadline(TIME_BUDGET_SECONDS)
    logins = _logins()
    _header(logins)
    jwt_signing.run()
    factories: list[DatabaseFactory] = [sqlite_database]
    skipped = postgres_unreachable_reason()
    if skipped is None:
        factories.append(postgres_database)
    with tempfile.TemporaryDirectory(prefix="ledger-bench-", dir="/tmp") as workdir:
        for index, factory in enumerate(factories):
            run_database(
                factory,
                Path(workdir),
                logins=logins,
                deadline=deadline,
                shares=len(factories) - index,
            )
    if skipped is not None:
        report.heading("PostgreSQL skipped")
        report.note(skipped)
    print(f"\nDone in {time.perf_counter() - started:.0f} s.", flush=True)


if __name__ == "__main__":
    main()
