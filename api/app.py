"""create_app(): the Flask application. Builds its services when called, never at import."""

import functools
import json
import logging
import re
import time
import uuid
from http import HTTPStatus

import flask_smorest
from flask import Flask, Response, g, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.middleware.proxy_fix import ProxyFix

from api import admin, health, introspection, tenants
from api.context import install_services
from api.problems import PROBLEM_JSON, http_exception_problem, register_error_handlers
from api.rate_limits import init_rate_limits
from api.schemas import Problem
from infrastructure.keys import JWKS_MAX_AGE_SECONDS
from infrastructure.services import Services, build_services
from infrastructure.settings import Settings

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_CACHEABLE_PATHS = {"/.well-known/jwks.json", "/openapi.json"}
access_log = logging.getLogger("ledger.access")
FORM = "application/x-www-form-urlencoded"
_FORM_PATHS = {"/tokens/introspect"}  # RFC 7662 specifies a form body


class Api(flask_smorest.Api):
    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):  # noqa: ANN001, ANN201 - flask-smorest's signature
        return http_exception_problem(error)

    def _register_responses(self) -> None:
        """Document every error response as problem+json, as it is sent."""
        for status in [*HTTPStatus, None]:
            name = status.name if status is not None else "DEFAULT_ERROR"
            response = {
                "description": status.phrase if status is not None else "Error",
                "content": {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}},
            }
            self.spec.components.response(name, response, lazy=True)


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    settings = settings or (services.settings if services else Settings.from_environ())
    app = Flask("tenant_ledger")
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="Tenant Ledger",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
    )
    if settings.trusted_proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops)  # type: ignore[method-assign]
    install_services(app, services or functools.partial(build_services, settings))

    api = Api(app)
    api.spec.components.security_scheme(
        "tenantToken", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.components.security_scheme(
        "adminToken",
        {"type": "http", "scheme": "bearer", "description": "ledger admin create-token"},
    )
    for blueprint in (
        tenants.blueprint,
        admin.blueprint,
        introspection.blueprint,
        health.blueprint,
    ):
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    app.before_request(_assign_request_id)
    app.before_request(_require_json_body)
    init_rate_limits(app, settings)  # after the hooks above, so a 429 has its request id
    app.after_request(_secure_headers)
    app.after_request(_log_request)
    return app


def _assign_request_id() -> None:
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _log_request(response: Response) -> Response:
    """One line per request (the request id comes with every line, see api/logs.py): the
    path JSON-escaped (no forged lines), never the query string."""
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info(
        '%s "%s %s" %s %.1fms',
        request.remote_addr,
        request.method,
        json.dumps(request.path)[1:-1],
        response.status_code,
        elapsed_ms,
    )
    return response


def _require_json_body() -> None:
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()  # also where the endpoint would not read the body
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    has_body = bool(request.content_length) or chunked
    acceptable = request.is_json or (request.path in _FORM_PATHS and request.mimetype == FORM)
    if request.method in {"POST", "PUT", "PATCH"} and has_body and not acceptable:
        raise UnsupportedMediaType("send the body as application/json")
    # Werkzeug stops reading a body of unknown length at the limit without complaint.
    if chunked and limit is not None and len(request.get_data(cache=True)) >= limit:
        raise RequestEntityTooLarge()


def _secure_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Request-Id"] = g.get("request_id", "")
    if request.path in _CACHEABLE_PATHS and response.status_code == 200:
        response.headers.setdefault("Cache-Control", f"public, max-age={JWKS_MAX_AGE_SECONDS}")
    else:
        response.headers["Cache-Control"] = "no-store"
    return response
