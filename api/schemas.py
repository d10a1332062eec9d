"""Request and response shapes. Field names on the wire are the contract's camelCase."""

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from application.audit import MAX_HISTORY_PAGE, format_timestamp
from application.results import IssuedCredentials
from domain.app_name import MAX_LENGTH, MIN_LENGTH, canonical_app_name
from domain.errors import DomainError
from domain.tenant import MAX_GRACE, Environment
from domain.webhook import check_webhook_url


def printable(value: str) -> None:
    """No control characters and no lone surrogates: they break logs, hashes and databases."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValidationError("must not contain control characters")


def representable(moment: datetime) -> None:
    """A moment that exists in UTC (9999-12-31T23:00-05:00 does not)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValidationError("out of range") from None


class StrictBoolean(fields.Boolean):
    """Only JSON true and false: "false", 0 and 1 are errors, not booleans."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean: use true or false.")
        return value


class Timestamp(fields.Field):
    """UTC with milliseconds and a Z, as in 2025-01-01T00:00:00.000Z."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise ValidationError("not a datetime")
        return format_timestamp(value)


def _domain_rule(check: Callable[[str], object]) -> Callable[[str], None]:
    """A field validator that applies a rule the domain owns, so both say the same thing."""

    def validator(value: str) -> None:
        try:
            check(value)
        except DomainError as error:
            raise ValidationError(str(error)) from None

    return validator


def _app_name(**kwargs: Any) -> fields.String:
    return fields.String(
        data_key="appName",
        validate=[
            validate.Length(min=MIN_LENGTH, max=MAX_LENGTH),
            _domain_rule(canonical_app_name),
        ],
        metadata={
            "example": "my-saas-app",
            "pattern": "^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$",
        },
        **kwargs,
    )


class LoginRequest(Schema):
    app_name = fields.String(
        data_key="appName", required=True, validate=[validate.Length(min=1, max=256), printable]
    )
    app_secret = fields.String(
        data_key="appSecret",
        required=True,
        validate=[validate.Length(min=1, max=256), printable],
    )


class LoginResponse(Schema):
    access_token = fields.String(data_key="accessToken")
    tenant_id = fields.UUID(data_key="tenantId")
    app_name = fields.String(data_key="appName")
    expires_in = fields.String(data_key="expiresIn", metadata={"example": "24h"})


class TenantProfile(Schema):
    """What a tenant sees of itself at /tenants/me."""

    tenant_id = fields.UUID(data_key="id")
    app_name = fields.String(data_key="appName")
    status = fields.String()
    webhook_url = fields.String(data_key="webhookUrl")
    created_at = Timestamp(data_key="createdAt", metadata={"example": "2025-01-01T00:00:00.000Z"})
    environment = fields.String()
    sandbox = fields.Boolean()


class TenantAdminView(TenantProfile):
    contact_email = fields.String(data_key="contactEmail")
    secret_version = fields.Integer(data_key="secretVersion")
    secret_fingerprint = fields.String(
        data_key="secretFingerprint",
        metadata={"description": "first 12 hex digits of SHA-256 of the secret in force"},
    )
    tokens_issued = fields.Integer(data_key="tokensIssued")
    version = fields.Integer(metadata={"description": "number of events the tenant has"})
    as_of = Timestamp(data_key="asOf", metadata={"description": "only with ?at="})


class TenantQuery(Schema):
    at = fields.AwareDateTime(
        load_default=None,
        validate=representable,
        metadata={"description": "reconstruct the tenant as of this moment, from its events"},
    )


class AuditEntrySchema(Schema):
    tenant_id = fields.UUID(data_key="tenantId")
    version = fields.Integer()
    type = fields.String(metadata={"example": "SecretRotated"})
    occurred_at = Timestamp(data_key="occurredAt")
    actor = fields.String()
    details = fields.Dict()


def _grace_seconds() -> fields.Integer:
    return fields.Integer(
        data_key="graceSeconds",
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, max=int(MAX_GRACE.total_seconds())),
        metadata={
            "description": "how long the previous secret keeps working (0 to 7 days); "
            "with 0, every token issued so far is revoked at once"
        },
    )


class RotateSecretRequest(Schema):
    """The body is optional: no body means graceSeconds 0."""

    grace_seconds = _grace_seconds()


class RotateOwnSecretRequest(Schema):
    app_secret = fields.String(
        data_key="appSecret",
        required=True,
        validate=[validate.Length(min=1, max=256), printable],
        metadata={"description": "the current secret: a token alone cannot rotate it"},
    )
    grace_seconds = _grace_seconds()


class SuspendRequest(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500), printable])


class EmptyBody(Schema):
    """No fields; a body, if sent, must be an empty JSON object."""


class RevokeTokensRequest(Schema):
    jti = fields.String(
        load_default=None,
        allow_none=False,  # an explicit null must not mean "revoke everything"
        validate=[validate.Length(min=1, max=100), printable],
        metadata={"description": "revoke only this token; without it, every token so far"},
    )


class IntrospectionRequest(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=8192))
    token_type_hint = fields.String(load_default=None, validate=validate.Length(max=50))


class IntrospectionResponse(Schema):
    """RFC 7662. An inactive token gets only {"active": false}."""

    active = fields.Boolean(required=True)
    sub = fields.String()
    client_id = fields.String()
    jti = fields.String()
    iat = fields.Integer()
    exp = fields.Integer()
    iss = fields.String()
    aud = fields.String()
    token_type = fields.String()


class ExportedEntrySchema(AuditEntrySchema):
    position = fields.Integer(metadata={"description": "global position in the event log"})


class FailedLoginWindowSchema(Schema):
    window_start = Timestamp(data_key="windowStart", metadata={"description": "a whole hour"})
    attempts = fields.Integer()
    client_ips = fields.List(
        fields.String(),
        data_key="clientIps",
        metadata={"description": "distinct client IPs in that hour, the first 20"},
    )
    last_attempt_at = Timestamp(data_key="lastAttemptAt")


class FailedLoginsResponse(Schema):
    items = fields.List(fields.Nested(FailedLoginWindowSchema))


class FailedLoginsQuery(Schema):
    since = fields.AwareDateTime(
        load_default=None, validate=representable, metadata={"description": "default: 7 days ago"}
    )


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    next_after = fields.Integer(
        data_key="nextAfter",
        allow_none=True,
        metadata={"description": "pass as `after` for the next page; null on the last page"},
    )


class AuditPageQuery(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_HISTORY_PAGE))


class TenantPage(Schema):
    items = fields.List(fields.Nested(TenantAdminView))
    next_after = fields.String(
        data_key="nextAfter",
        allow_none=True,
        metadata={"description": "pass as `after` for the next page; null on the last page"},
    )


class TenantPageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    after = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[A-Za-z0-9-]{1,63}\Z", error="not an app name"),
        metadata={"description": "the previous page's nextAfter (an app name)"},
    )


class RegisterTenantRequest(Schema):
    app_name = _app_name(required=True)
    contact_email = fields.Email(
        data_key="contactEmail", required=True, validate=[validate.Length(max=254), printable]
    )
    webhook_url = fields.URL(
        data_key="webhookUrl",
        required=True,
        schemes={"https"},
        require_tld=True,
        validate=_domain_rule(check_webhook_url),
    )
    environment = fields.Enum(Environment, by_value=True, required=True)
    sandbox = StrictBoolean(required=True)


class IssuedCredentialsResponse(TenantAdminView):
    """Carries the secret: shown this once, never again."""

    app_id = fields.UUID(data_key="appId")
    app_secret = fields.String(data_key="appSecret")


def credentials_body(issued: IssuedCredentials) -> dict[str, Any]:
    return {
        **asdict(issued.tenant),
        "app_id": issued.tenant.tenant_id,
        "app_secret": issued.app_secret,
    }


class Problem(Schema):
    """RFC 9457 problem details, the body of every error."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Unauthorized"})
    status = fields.Integer(metadata={"example": 401})
    detail = fields.String()
    instance = fields.String(metadata={"example": "/tenants/me"})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "for invalid input: messages per field"},
    )


class Jwks(Schema):
    keys = fields.List(fields.Dict())


class Health(Schema):
    status = fields.String()
