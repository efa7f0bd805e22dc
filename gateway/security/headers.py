"""The headers every response carries so a browser confines the pages: a strict Content-Security-Policy (no inline
script, no CDN), no MIME sniffing, no framing.

Pages load scripts and styles from the gateway only; they talk to the gateway and, for uploads, to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from gateway.settings import Settings

AWS_ORIGINS = "https://*.amazonaws.com"


def store_origins(settings: Settings) -> list[str]:
    """Where browsers send object bytes: the store's public origin, and its bucket subdomains (virtual style)."""
    url = settings.public_endpoint_url or settings.endpoint_url
    if url is None:
        return [AWS_ORIGINS]
    parts = urlsplit(url)
    origins = [origin_of(url)]
    if settings.addressing_style != "path":
        origins.append(f"{parts.scheme}://*.{parts.netloc}")
    return origins


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_of(host: str) -> str:
    """The site a host belongs to, as browsers group cookies: loopback names are one site, an address is its own,
    and a name is its last two labels (without a public-suffix list, so `a.co.uk` and `b.co.uk` look alike: the
    warning errs on the side of speaking)."""
    host = host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost") or host.startswith("127.") or host == "::1":
        return "loopback"
    if host.replace(".", "").isdigit() or ":" in host:
        return host
    return ".".join(host.split(".")[-2:])


def store_shares_site(settings: Settings, gateway_host: str | None) -> bool:
    """True when browsers reach the store on the gateway's site (another port or subdomain is the same site): a
    page served from the store could then plant cookies for the gateway."""
    url = settings.public_endpoint_url or settings.endpoint_url
    store = urlsplit(url).hostname if url else None
    if not store or not gateway_host:
        return False
    return site_of(store) == site_of(gateway_host.rsplit(":", 1)[0] if gateway_host.count(":") == 1 else gateway_host)


SAME_SITE_WARNING = (
    "the store's public endpoint is on the same site as this gateway (another port or subdomain): put the store on a "
    "site of its own (see the README, Who may do what)"
)


def content_security_policy(settings: Settings, others: Sequence[Settings] = (), providers: Sequence[str] = ()) -> str:
    """`others`: the other stores' settings (gateway/stores.py), whose origins the pages talk to as well.
    `providers`: the OpenID providers' issuers; signing out is a form whose answer redirects to one of them."""
    store = " ".join(dict.fromkeys(origin for each in (settings, *others) for origin in store_origins(each)))
    sign_out = "".join(f" {origin}" for origin in dict.fromkeys(origin_of(url) for url in providers))
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": f"'self' data: blob: {store}",
        "media-src": f"'self' blob: {store}",
        "font-src": "'self'",
        "frame-src": store,  # PDF previews, shown by the browser from the store's origin
        "connect-src": f"'self' {store}",
        "form-action": f"'self' {store}{sign_out}",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(
    settings: Settings, others: Sequence[Settings] = (), providers: Sequence[str] = ()
) -> list[tuple[bytes, bytes]]:
    """Raw ASGI headers, built once per app."""
    headers = {
        "content-security-policy": content_security_policy(settings, others, providers),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
    }
    if settings.secure_cookies:  # served over TLS: tell browsers to keep to it
        headers["strict-transport-security"] = "max-age=31536000"
    return [(name.encode(), value.encode()) for name, value in headers.items()]
