"""What every response says about itself to the browser, and whether a request came over https.

Headers on every response: a Content-Security-Policy that allows scripts, styles and images from
Tandem itself only (no inline scripts), never in a frame; `X-Content-Type-Options: nosniff`; a
Referrer-Policy that sends no path to other sites; and, over https, HSTS. A request counts as
https when the server is configured so (TANDEM_HTTPS, or an https base URL), or, behind a proxy
trusted by setting (TANDEM_TRUST_PROXY), when it says `X-Forwarded-Proto: https`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.settings import Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def over_https(settings: Settings, request: Request) -> bool:
    """Whether the request reached Tandem over https."""
    if settings.served_over_https or request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return settings.trust_proxy and forwarded == "https"


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response (a route that sets
    its own Content-Security-Policy keeps it)."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = over_https(self.settings, Request(scope))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = dict(HEADERS)
                extra["content-security-policy"] = CSP
                if https:
                    extra["strict-transport-security"] = HSTS
                for name, value in extra.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
