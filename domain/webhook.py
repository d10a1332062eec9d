"""Where a tenant's payment webhooks may be delivered."""

from urllib.parse import urlsplit

from domain.errors import DomainError

MAX_URL_LENGTH = 2048


class InvalidWebhookUrlError(DomainError):
    pass


def check_webhook_url(url: str) -> str:
    """Return the URL if webhooks may be sent to it, else raise InvalidWebhookUrlError."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhookUrlError(f"webhookUrl must be at most {MAX_URL_LENGTH} characters")
    if not all("\x21" <= c <= "\x7e" for c in url):
        raise InvalidWebhookUrlError(
            "webhookUrl must be printable ASCII: percent-encode anything else"
        )
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        port = parts.port  # raises ValueError for a port out of range
    except ValueError:
        raise InvalidWebhookUrlError("webhookUrl is not a valid URL") from None
    if port == 0:
        raise InvalidWebhookUrlError("webhookUrl has no usable port")
    if parts.scheme != "https":
        raise InvalidWebhookUrlError("webhookUrl must use https")
    if not hostname:
        raise InvalidWebhookUrlError("webhookUrl must name a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrlError("webhookUrl must not carry a user name or password")
    if parts.fragment:
        raise InvalidWebhookUrlError("webhookUrl must not carry a fragment")
    return url
