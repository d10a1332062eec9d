"""Rate limits (Flask-Limiter), shared across workers and hosts through Redis when
LEDGER_REDIS_URL is set. See docs/decisions/0013-rate-limits.md for the trade-offs."""

import hashlib
import ipaddress
import math
import time

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded

from api.auth import bearer_token
from api.problems import problem
from domain.app_name import canonical_app_name
from domain.errors import InvalidAppNameError
from infrastructure.settings import Settings

ADMIN_BLUEPRINTS = ("admin.", "tokens.")


def client_ip() -> str:
    """The peer address, or X-Forwarded-For through LEDGER_TRUSTED_PROXY_HOPS (ProxyFix).
    An IPv6 client counts by its /64, which one client usually holds whole."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def login_app_name() -> str:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the view answers 400 for it; here it has no name
        body = None
    name = body.get("appName") if isinstance(body, dict) else None
    try:
        canonical = canonical_app_name(name) if isinstance(name, str) else "-"
    except InvalidAppNameError:
        canonical = "-"
    # Digested: a client that swaps its fields must not get its secret into Redis or a log.
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def app_name_and_ip() -> str:
    return f"{login_app_name()}|{client_ip()}"


def admin_credential() -> str:
    """A digest of the presented token: the limit is per admin, and Redis never sees a token."""
    return hashlib.sha256((bearer_token() or "").encode()).hexdigest()[:32]


def failed_login(response: Response) -> bool:
    return response.status_code == 401


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Attach the limits to the app's registered endpoints."""
    # Ledgers sharing one Redis keep their own counters.
    store = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    limiter = Limiter(
        key_func=client_ip,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        key_prefix=f"tenant-ledger:{store}",
        strategy="moving-window",
    )
    login = [
        limiter.limit(settings.login_limit_per_ip, key_func=client_ip),
        limiter.limit(
            settings.login_failure_limit_per_app,
            key_func=login_app_name,
            deduct_when=failed_login,
        ),
        limiter.limit(
            settings.login_failure_limit_per_app_and_ip,
            key_func=app_name_and_ip,
            deduct_when=failed_login,
        ),
    ]
    admin = limiter.shared_limit(settings.admin_limit, scope="admin", key_func=admin_credential)
    # Made-up tokens each get a bucket of their own above; the address does not.
    admin_per_ip = limiter.shared_limit(settings.admin_limit, scope="admin-ip", key_func=client_ip)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint == "tenants.login":
            for limit in login:
                view = limit(view)
        elif endpoint == "tenants.rotate_own_secret":
            view = login[0](view)
        elif endpoint.startswith(ADMIN_BLUEPRINTS):
            view = admin_per_ip(admin(view))
        app.view_functions[endpoint] = view

    def too_many_requests(error: RateLimitExceeded) -> Response:
        current = limiter.current_limit
        wait = max(1, math.ceil(current.reset_at - time.time())) if current else 60
        detail = f"rate limit exceeded: {error.description}"
        return problem(429, detail, headers={"Retry-After": str(wait)})

    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limiter
