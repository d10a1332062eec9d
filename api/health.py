from typing import Any

from api.context import services
from api.parsing import Blueprint
from api.schemas import Health, Jwks

blueprint = Blueprint("health", __name__, description="Liveness, readiness and public keys")


@blueprint.get("/healthz")
@blueprint.response(200, Health)
def healthz() -> Any:
    """The process is alive."""
    return {"status": "ok"}


@blueprint.get("/readyz")
@blueprint.response(200, Health)
@blueprint.errors(503)
def readyz() -> Any:
    """The event store and the read model answer."""
    services().ledger.head_position()
    services().view.max_tracking_id(services().ledger.name)
    return {"status": "ready"}


@blueprint.get("/.well-known/jwks.json")
@blueprint.response(200, Jwks)
def jwks() -> Any:
    """The public keys that verify our access tokens."""
    return services().tokens.jwks()
