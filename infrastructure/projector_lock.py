"""Only one projector may follow a database: the second waits, ready to take over."""

import contextlib
import fcntl
import zlib
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import psycopg

from infrastructure.persistence import event_store_env, postgres_conninfo, view_env
from infrastructure.settings import Settings


class ProjectorLock:
    """A PostgreSQL session advisory lock, or an exclusive lock on a file beside the SQLite
    views. Both vanish with the process that holds them, so a crashed projector frees it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: psycopg.Connection[Any] | None = None
        self._file: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        module = event_store_env(self._settings)["PERSISTENCE_MODULE"]
        if module == "eventsourcing.postgres":
            return self._try_advisory_lock()
        if module == "eventsourcing.sqlite":
            return self._try_file_lock()
        return True  # in memory: nothing else can see the store

    def still_held(self) -> bool:
        """False once the session holding a PostgreSQL lock is gone (a dropped connection,
        a terminated backend, a failover): the lock went with it."""
        if self._connection is None:
            return True
        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            # Unlock before closing: the server ends the session, and frees its locks, a moment
            # after the client has gone.
            with contextlib.suppress(psycopg.Error):
                self._connection.execute("SELECT pg_advisory_unlock_all()")
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "ProjectorLock":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def _try_advisory_lock(self) -> bool:
        if self._connection is None:
            self._connection = psycopg.connect(postgres_conninfo(self._settings), autocommit=True)
        schema = event_store_env(self._settings)["POSTGRES_SCHEMA"]
        key = zlib.crc32(f"tenant-ledger projector {schema}".encode())
        row = self._connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        return bool(row and row[0])

    def _try_file_lock(self) -> bool:
        if self._file is None:
            path = Path(view_env(self._settings)["SQLITE_DBNAME"] + ".projector-lock")
            self._file = path.open("ab")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
