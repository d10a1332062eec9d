"""Feeds the ledger's events to a projection: the library's subscription (LISTEN/NOTIFY) on
PostgreSQL, polling the notification log elsewhere (SQLite has no subscriptions)."""

import logging
import threading
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

    def catch_up(self) -> int:
        """Apply every event recorded so far that the view has not seen; return how many."""
        applied = 0
        while True:
            notifications = self._app.recorder.select_notifications(
                start=self.position, limit=BATCH_SIZE, inclusive_of_start=False
            )
            if not notifications:
                return applied
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
        if self._subscribe:
            self._follow(ApplicationSubscription(self._app, gt=self.position), stop)
        else:
            self._poll(stop)

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
