"""Where tests keep their events: in memory, a fresh SQLite file, or a fresh PostgreSQL schema."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
STORES = ["memory", "sqlite", "postgres"]


def postgres_url() -> str:
    return os.environ.get("LEDGER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def require_postgres() -> None:
    """Skip (with the reason) when PostgreSQL is unreachable; under CI=true, fail instead."""
    try:
        with psycopg.connect(postgres_url(), connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL not reachable at {postgres_url()}: {error}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires PostgreSQL tests to run. {reason}")
        pytest.skip(reason)


@contextmanager
def database_url(store: str, data_dir: Path) -> Iterator[str]:
    if store == "memory":
        yield "memory://"
    elif store == "sqlite":
        yield f"sqlite:///{data_dir / 'ledger.db'}"
    elif store == "postgres":
        require_postgres()
        schema = f"test_{uuid.uuid4().hex[:12]}"
        try:
            yield f"{postgres_url()}?schema={schema}"
        finally:
            with psycopg.connect(postgres_url(), autocommit=True) as connection:
                connection.execute(
                    SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema))
                )
    else:
        raise ValueError(store)


def redis_url() -> str:
    """A Redis for tests that need one: skipped with the reason if absent, failed under CI."""
    import redis

    url = os.environ.get("LEDGER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        reason = f"Redis not reachable at {url}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires Redis tests to run. {reason}")
        pytest.skip(reason)
    return url
