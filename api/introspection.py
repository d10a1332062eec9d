from typing import Any

from flask import request
from webargs.flaskparser import abort

from api.auth import require_admin
from api.context import services
from api.parsing import Blueprint
from api.schemas import IntrospectionRequest, IntrospectionResponse

blueprint = Blueprint(
    "tokens", __name__, url_prefix="/tokens", description="Token introspection (RFC 7662)"
)


@blueprint.post("/introspect")
@require_admin
@blueprint.arguments(IntrospectionRequest, location="json_or_form")
@blueprint.response(200, IntrospectionResponse)
@blueprint.errors(400, 401, 403, 413, 415)
@blueprint.doc(security=[{"adminToken": []}])
def introspect(request_body: dict[str, Any]) -> Any:
    """Is this access token active now? For other platform services (with an admin token).
    Accepts the RFC 7662 form body (token=...) or JSON."""
    if any(len(values) > 1 for values in request.form.listvalues()):
        abort(400, messages={"form": {"_body": ["a parameter is repeated (RFC 6749 3.1)"]}})
    claims = services().ledger.introspect(request_body["token"])
    if claims is None:
        return {"active": False}
    settings = services().settings
    return {
        "active": True,
        "sub": str(claims.tenant_id),
        "client_id": claims.app_name,
        "jti": claims.jti,
        "iat": int(claims.issued_at.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "iss": settings.issuer,
        "aud": settings.audience,
        "token_type": "Bearer",
    }
