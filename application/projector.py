"""Feeds the ledger's events to a projection: the library's subscription (LISTEN/NOTIFY) on
PostgreSQL, polling the notification log elsewhere (SQLite has no subscriptions)."""

import logging
import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import ApplicationSubscription, Projection

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


class Projector:
    def __init__(
        self,
        app: Application[Any],
        projection: Projection[Any],
        *,
        subscribe: bool,
        poll_interval: float = 0.1,
    ) -> None:
        self._app = app
        self._projection = projection
        self._view = projection.view
        self._subscribe = subscribe
        self._poll_interval = poll_interval

    @property
    def position(self) -> int:
        return self._view.max_tracking_id(self._app.name) or 0

    def catch_up(
        self, *, stop: int | None = None, on_batch: Callable[[int], None] | None = None
    ) -> int:
        """Apply every event recorded so far (up to position `stop`) that the view has not
        seen; return how many. on_batch is told how many each batch applied."""
        applied = 0
        while True:
            notifications = self._app.recorder.select_notifications(
                start=self.position, limit=BATCH_SIZE, stop=stop, inclusive_of_start=False
            )
            if not notifications:
                return applied
            if on_batch is not None:
                on_batch(len(notifications))
            for notification in notifications:
                event = self._app.mapper.to_domain_event(notification)
                try:
                    self._projection.process_event(event, Tracking(self._app.name, notification.id))
                except IntegrityError:
                    # Another projector applied it first; its transaction holds the row too.
                    logger.warning("notification %s already applied", notification.id)
                    break
                applied += 1

    def run(self, stop: threading.Event) -> None:
        """Follow the log until stop is set."""
        if not self._subscribe:
            self._poll(stop)
            return
        while not stop.is_set():
            try:
                self._follow(ApplicationSubscription(self._app, gt=self.position), stop)
            except IntegrityError:
                # The view moved past us (a rebuild was swapped in): follow on from there.
                logger.info("view advanced by another writer; resuming at %s", self.position)

    def _poll(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if self.catch_up() == 0:
                stop.wait(self._poll_interval)

    def _follow(self, subscription: ApplicationSubscription[Any], stop: threading.Event) -> None:
        stopper = threading.Thread(
            target=lambda: (stop.wait(), subscription.stop()), daemon=True, name="projector-stop"
        )
        stopper.start()
        with subscription:
            for event, tracking in subscription:
                self._projection.process_event(event, tracking)


class BackgroundProjector:
    """Runs a Projector on a daemon thread: for tests and for the single-process default."""

    def __init__(self, projector: Projector) -> None:
        self._projector = projector
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._projector.run, args=(self._stop,), daemon=True, name="projector"
        )

    def start(self) -> "BackgroundProjector":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
