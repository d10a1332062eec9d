"""Where production webhooks may go: only to public addresses (no SSRF into our network)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from domain.webhook import InvalidWebhookUrlError

RESOLVE_TIMEOUT_SECONDS = 3.0


def check_public_destination(url: str) -> None:
    """Resolve the URL's host as the webhook sender would, and refuse it unless every address
    is public: no loopback, private, link-local (cloud metadata), multicast, reserved or
    unspecified address, in any spelling (0x7f.1, 2130706433, ::ffff:127.0.0.1, ...)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(RESOLVE_TIMEOUT_SECONDS)
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise InvalidWebhookUrlError(f"webhookUrl host {host!r} does not resolve") from None
    finally:
        socket.setdefaulttimeout(previous)
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            raise InvalidWebhookUrlError(
                f"webhookUrl resolves to {address}, which is not a public address"
            )
