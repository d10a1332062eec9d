"""Bearer tokens: tenants carry our JWTs, admins carry opaque admin tokens."""

import functools
from collections.abc import Callable
from typing import Any

from flask import g, request

from api.context import services
from api.problems import ForbiddenError
from application.errors import AdminAuthenticationError, InvalidTokenError
from application.ledger import ADMIN_TOKEN_PREFIX
from application.tokens import AccessTokenClaims


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def tenant_claims() -> AccessTokenClaims:
    token = bearer_token()
    if token is None:
        raise InvalidTokenError("a bearer token is required")
    return services().ledger.authenticate(token)


def require_admin(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let the view run only for a valid admin token; its name is in g.admin_name."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        if token is None:
            raise AdminAuthenticationError("an admin bearer token is required")
        if not token.startswith(ADMIN_TOKEN_PREFIX):
            try:
                services().tokens.verify(token)
            except InvalidTokenError:
                raise AdminAuthenticationError("invalid admin token") from None
            raise ForbiddenError("tenant tokens cannot call admin endpoints")
        g.admin_name = services().ledger.authenticate_admin(token)
        return view(*args, **kwargs)

    return wrapper


def require_tenant(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let the view run only for a tenant token that still counts; claims in g.tenant_claims.
    Put above the body's parsing, so the anonymous get 401 before any 400."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.tenant_claims = tenant_claims()
        return view(*args, **kwargs)

    return wrapper
