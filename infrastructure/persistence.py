"""Translates our settings into the eventsourcing library's environment: the only place that
knows the library's keys."""

from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.sql import SQL, Identifier

from infrastructure.settings import ConfigurationError, Settings


def event_store_env(settings: Settings) -> dict[str, str]:
    # Cached aggregates are fast-forwarded from the store on every get, so a cache per worker
    # stays correct beside other workers and hosts; it spares replaying events since the last
    # snapshot on each login.
    cache = {"AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_size)}
    return {**_store_env(settings), **cache}


def _create_table(settings: Settings) -> dict[str, str]:
    return {"CREATE_TABLE": "y" if settings.create_tables else "n"}


def _store_env(settings: Settings) -> dict[str, str]:
    if settings.uses_postgres:
        return {**_postgres_env(settings), **_create_table(settings)}
    if settings.database_url.startswith("sqlite:///"):
        path = _sqlite_path(settings.database_url)
        if not settings.create_tables and not path.exists():
            raise ConfigurationError(f"no event store at {path}: is LEDGER_DATABASE_URL right?")
        return {**_sqlite_env(path), **_create_table(settings)}
    if settings.database_url == "memory://":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    raise ConfigurationError(
        "LEDGER_DATABASE_URL must start with postgresql://, sqlite:/// or be memory://"
    )


def view_env(settings: Settings) -> dict[str, str]:
    """SQLite tables are not prefixed, so the read model lives in a file of its own there."""
    env = _store_env(settings)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        events = Path(env["SQLITE_DBNAME"])
        env["SQLITE_DBNAME"] = str(events.with_name(events.stem + "-views" + events.suffix))
    return env


def _ensure_postgres_schema(settings: Settings) -> None:
    """The library expects the schema to exist already."""
    env = _postgres_env(settings)
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as connection:
        connection.execute(
            SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(env["POSTGRES_SCHEMA"]))
        )


def prepare_storage(settings: Settings) -> None:
    if settings.uses_postgres:
        _ensure_postgres_schema(settings)
    elif settings.database_url.startswith("sqlite:///"):
        _sqlite_path(settings.database_url).parent.mkdir(parents=True, exist_ok=True, mode=0o700)


def _postgres_env(settings: Settings) -> dict[str, str]:
    parts = _conninfo_parts(settings)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.get("dbname", "postgres"),
        "POSTGRES_HOST": parts.get("host", "127.0.0.1"),
        "POSTGRES_PORT": parts.get("port", "5432"),
        "POSTGRES_USER": parts.get("user", "postgres"),
        "POSTGRES_PASSWORD": parts.get("password", ""),
        "POSTGRES_SCHEMA": parts.get("schema", "public"),
        "POSTGRES_LOCK_TIMEOUT": "5",
        # Also how long a request waits for a pooled connection: fail fast (503) in an outage.
        "POSTGRES_CONNECT_TIMEOUT": "2",
        "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.postgres_pool_size),
    }


def _conninfo_parts(settings: Settings) -> dict[str, str]:
    """The URL's parts; a `schema` query parameter names the PostgreSQL schema to use."""
    url, _, query = settings.database_url.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    schema = params.pop("schema", "public")
    rest = "&".join(f"{k}={v}" for k, v in params.items())
    try:
        parts = {k: str(v) for k, v in conninfo_to_dict(url + ("?" + rest if rest else "")).items()}
    except psycopg.ProgrammingError as error:
        raise ConfigurationError(f"LEDGER_DATABASE_URL is not a valid URL: {error}") from None
    parts["schema"] = schema
    return parts


def postgres_conninfo(settings: Settings) -> str:
    parts = _conninfo_parts(settings)
    parts.pop("schema")
    parts.setdefault("connect_timeout", "2")
    return psycopg.conninfo.make_conninfo(**parts)


def _sqlite_env(path: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": "10",
    }


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))
