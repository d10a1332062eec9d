"""Every setting the service reads, from LEDGER_* environment variables, in one place."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class ConfigurationError(Exception):
    """The configuration cannot work; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    production: bool
    issuer: str
    audience: str
    signing_key_pem: str | None
    signing_keys_dir: Path | None
    pepper: str | None
    max_body_bytes: int
    view_wait_seconds: float
    trusted_proxy_hops: int
    postgres_pool_size: int
    aggregate_cache_size: int
    create_tables: bool
    redis_url: str | None
    login_limit_per_ip: str
    login_failure_limit_per_app: str
    login_failure_limit_per_app_and_ip: str
    admin_limit: str

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("LEDGER_DATA_DIR", "var"))
        return cls(
            database_url=env.get("LEDGER_DATABASE_URL") or f"sqlite:///{data_dir / 'ledger.db'}",
            data_dir=data_dir,
            production=env.get("LEDGER_ENV", "development") == "production",
            issuer=env.get("LEDGER_ISSUER", "http://127.0.0.1:8000"),
            audience=env.get("LEDGER_AUDIENCE", "billing-platform"),
            signing_key_pem=_value_or_file(env, "LEDGER_SIGNING_KEY"),
            signing_keys_dir=Path(env["LEDGER_SIGNING_KEYS_DIR"])
            if env.get("LEDGER_SIGNING_KEYS_DIR")
            else None,
            pepper=_value_or_file(env, "LEDGER_SECRET_PEPPER"),
            max_body_bytes=_int(env, "LEDGER_MAX_BODY_BYTES", 16 * 1024),
            view_wait_seconds=_float(env, "LEDGER_VIEW_WAIT_SECONDS", 2.0),
            trusted_proxy_hops=_int(env, "LEDGER_TRUSTED_PROXY_HOPS", 0),
            postgres_pool_size=_int(env, "LEDGER_POSTGRES_POOL_SIZE", 5),
            aggregate_cache_size=_int(env, "LEDGER_AGGREGATE_CACHE_SIZE", 10_000),
            # ledger serve creates tables once, then starts its processes with this off, since
            # the library's table creation is not safe to run from several processes at once.
            create_tables=env.get("LEDGER_CREATE_TABLES", "true").lower() != "false",
            redis_url=env.get("LEDGER_REDIS_URL") or None,
            login_limit_per_ip=env.get("LEDGER_LOGIN_LIMIT_PER_IP", "60/minute"),
            login_failure_limit_per_app=env.get("LEDGER_LOGIN_FAILURE_LIMIT_PER_APP", "300/minute"),
            login_failure_limit_per_app_and_ip=env.get(
                "LEDGER_LOGIN_FAILURE_LIMIT_PER_APP_AND_IP", "10/minute"
            ),
            admin_limit=env.get("LEDGER_ADMIN_LIMIT", "1200/minute"),
        )


def _value_or_file(env: Mapping[str, str], name: str) -> str | None:
    if env.get(name):
        return env[name]
    path = env.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text()
        except OSError as error:
            raise ConfigurationError(f"{name}_FILE: cannot read {path}: {error}") from None
    return None


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError:
        raise ConfigurationError(f"{name} must be a number") from None
