"""Every error leaves as RFC 9457 problem details; this is the one place statuses are chosen."""

import logging
from http import HTTPStatus
from typing import Any

from eventsourcing.persistence import OperationalError
from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, InternalServerError

from application.errors import (
    AdminAuthenticationError,
    AppNameTakenError,
    ConcurrentModificationError,
    InvalidTokenError,
    TenantNotFoundError,
    ViewNotReadyError,
)
from domain.errors import (
    DomainError,
    InvalidCredentialsError,
    TenantStateError,
    TenantSuspendedError,
)
from domain.webhook import InvalidWebhookUrlError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
BEARER_CHALLENGE = 'Bearer realm="tenant-ledger"'


class ForbiddenError(Exception):
    """Authenticated, but not allowed here."""


_STATUS_BY_ERROR: list[tuple[type[Exception], int]] = [
    (InvalidCredentialsError, 401),
    (InvalidTokenError, 401),
    (AdminAuthenticationError, 401),
    (ForbiddenError, 403),
    (TenantSuspendedError, 403),
    (TenantStateError, 409),
    (TenantNotFoundError, 404),
    (AppNameTakenError, 409),
    (ConcurrentModificationError, 409),
    (ViewNotReadyError, 503),
    (DomainError, 400),
]


def problem(
    status: int,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extensions)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_exception_problem(error: HTTPException) -> Response:
    """For werkzeug's and webargs's errors: 404, 405, 413, malformed JSON, failed validation."""
    status = error.code or 500
    if status >= 500:
        return problem(status, "the server could not complete the request")
    messages = getattr(error, "data", {}).get("messages")
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    if messages:
        return problem(
            status, "the request is not valid", headers=headers, errors=_flatten(messages)
        )
    return problem(status, error.description, headers=headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Exception)
    def handle_any(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_exception_problem(error)
        if isinstance(error, InvalidWebhookUrlError):  # found after parsing: name the field
            return problem(400, "the request is not valid", errors={"webhookUrl": [str(error)]})
        for error_class, status in _STATUS_BY_ERROR:
            if isinstance(error, error_class):
                return problem(status, str(error), headers=_headers_for(error))
        if isinstance(error, OperationalError):
            logger.error("event store unavailable: %s", type(error).__name__)
            return problem(503, "the event store is unavailable", headers={"Retry-After": "5"})
        logger.exception("unhandled error", exc_info=error)
        return http_exception_problem(InternalServerError())


def _headers_for(error: Exception) -> dict[str, str]:
    if isinstance(error, InvalidTokenError | AdminAuthenticationError):
        return {"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="invalid_token"'}
    if isinstance(error, ViewNotReadyError):
        return {"Retry-After": str(error.retry_after_seconds)}
    return {}


def _flatten(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ("json", "query"); clients want field -> messages."""
    locations = {"json", "query", "path", "headers", "form", "json_or_form"}
    if isinstance(messages, dict) and set(messages) <= locations:
        merged: dict[str, Any] = {}
        for location_messages in messages.values():
            if isinstance(location_messages, dict):
                merged.update(location_messages)
            else:
                merged.setdefault("_body", location_messages)
        return merged
    return messages if isinstance(messages, dict) else {"_body": messages}
