"""What every `ledger` command shares: building the services, failing cleanly, parsing times."""

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from application.errors import ApplicationError
from domain.errors import DomainError
from infrastructure.services import Services, build_services
from infrastructure.settings import Settings


@contextmanager
def ledger_services(*, read_only: bool = False) -> Iterator[Services]:
    """read_only: for commands that only look (audit, verify, status): they must not create a
    store, tables or keys where a mistyped setting points."""
    settings = Settings.from_environ()
    if read_only:
        settings = dataclasses.replace(settings, create_tables=False)
    services = build_services(settings)
    try:
        yield services
    except (ApplicationError, DomainError) as error:
        fail(str(error))
    finally:
        services.close()


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class Moment(click.ParamType):
    """An ISO 8601 moment with a time zone, e.g. 2025-01-01T00:00:00Z."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time, e.g. 2025-01-01T00:00:00Z", param, ctx)
        if moment.tzinfo is None:
            self.fail(f"{value!r} has no time zone; add Z or an offset such as +02:00", param, ctx)
        try:
            moment.astimezone(UTC)
        except OverflowError:
            self.fail(f"{value!r} is out of range", param, ctx)
        return moment
