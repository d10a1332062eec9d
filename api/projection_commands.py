"""`ledger projections …`: run, rebuild and inspect the read models."""

import logging
import os
import signal
import sys
import threading

import click

from api.cli_support import ledger_services
from application.rebuild import rebuild_tenants_view
from infrastructure.memory_views import MemoryTenantsView
from infrastructure.projector_lock import ProjectorLock
from infrastructure.settings import Settings

logger = logging.getLogger("ledger")
STANDBY_POLL_SECONDS = 2.0
LOCK_CHECK_SECONDS = 2.0


@click.group()
def projections() -> None:
    """Read models built from the events."""


@projections.command("run")
def run_projections() -> None:
    """Follow the event log and keep the read models up to date (run one per database)."""
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    _stop_with_supervisor(stop)
    with ProjectorLock(Settings.from_environ()) as lock:
        if not lock.try_acquire():
            logger.info("another projector follows this database; standing by to take over")
            while not lock.try_acquire():
                if stop.wait(STANDBY_POLL_SECONDS):
                    return
        lost = _stop_if_lock_lost(lock, stop)
        _follow_until(stop)
    if lost.is_set():
        logger.error("lost the projector lock; exiting so that only one projector runs")
        raise SystemExit(1)


def _stop_if_lock_lost(lock: ProjectorLock, stop: threading.Event) -> threading.Event:
    lost = threading.Event()

    def watch() -> None:
        while not stop.wait(LOCK_CHECK_SECONDS):
            if not lock.still_held():
                lost.set()
                stop.set()

    threading.Thread(target=watch, daemon=True, name="lock-watch").start()
    return lost


def _stop_with_supervisor(stop: threading.Event) -> None:
    """Started by `ledger serve`: exit if it disappears (even by SIGKILL), never linger."""
    supervisor = os.environ.get("LEDGER_SUPERVISOR_PID")
    if not supervisor:
        return

    def watch() -> None:
        while not stop.wait(1):
            if os.getppid() != int(supervisor):
                logger.warning("ledger serve is gone; projector stopping")
                stop.set()

    threading.Thread(target=watch, daemon=True, name="supervisor-watch").start()


def _follow_until(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with ledger_services() as services:
                projector = services.projector()
                logger.info("projector following from position %s", projector.position)
                projector.run(stop)
        except Exception:
            logger.exception("projector failed; starting again in 1s")
            stop.wait(1)


@projections.command("rebuild")
@click.option(
    "--verify",
    is_flag=True,
    help="Compare a rebuild with the live read model and report differences; change nothing.",
)
def rebuild_projections(verify: bool) -> None:
    """Replay every event into a fresh tenants read model and swap it in atomically.

    Safe while the API serves: readers see the old rows until the swap commits."""
    with ledger_services() as services:
        total = services.ledger.head_position()
        with click.progressbar(length=total, label="replaying events", file=sys.stderr) as bar:
            report = rebuild_tenants_view(
                services.ledger,
                services.view,
                MemoryTenantsView(),
                verify_only=verify,
                on_batch=bar.update,
            )
    rate = f"{report.events} events in {report.seconds:.2f}s ({report.events_per_second:,.0f}/s)"
    if verify:
        for difference in report.differences:
            click.echo(difference)
        click.echo(f"verified tenants view against {rate}: {len(report.differences)} differences")
        if report.differences:
            raise SystemExit(1)
    else:
        click.echo(f"rebuilt tenants view from {rate}")


@projections.command("status")
def projections_status() -> None:
    """Each read model's position in the event log, and how far behind it is."""
    with ledger_services(read_only=True) as services:
        head = services.ledger.head_position()
        position = services.projector().position
    click.echo(f"{'view':<10} {'position':>10} {'head':>10} {'lag':>8}")
    click.echo(f"{'tenants':<10} {position:>10} {head:>10} {head - position:>8}")
