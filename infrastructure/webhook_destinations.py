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
        for candidate in (address, *_embedded_ipv4(address)):
            if not _public(candidate):
                raise InvalidWebhookUrlError(
                    f"webhookUrl resolves to {address}, which is not a public address"
                )


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # is_global alone lets multicast and some special-purpose ranges through
    special = any(address in network for network in _SPECIAL if network.version == address.version)
    return address.is_global and not (address.is_multicast or address.is_reserved or special)


_SPECIAL = [ipaddress.ip_network("192.0.0.0/24")]  # IETF protocol assignments


_NAT64 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48")]
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")


def _embedded_ipv4(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address can carry to: mapped, compatible, SIIT, NAT64,
    6to4 and Teredo. Each must be public too."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo:
        found.append(address.teredo[1])
    if any(address in net for net in (*_NAT64, _IPV4_COMPATIBLE, _SIIT)):
        found.append(low32)
    return found
