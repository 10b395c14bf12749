"""Request limits and response headers for the whole app.

A request body is refused (413) past the command line's file limit plus room for the form
around it, before it is parsed or spooled (Starlette's `RequestBodyLimitMiddleware`). Every
response carries headers that keep pages from being framed, sniffed, cached or given
scripts and styles from anywhere but this app.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scenarios.limits import MAX_FILE_BYTES

FORM_OVERHEAD = 64_000
"""Bytes a form adds around its one file: boundaries, part headers and the small fields."""
MAX_BODY = MAX_FILE_BYTES + FORM_OVERHEAD

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}
"""A route that sets one of these itself (the brief's page) keeps its own."""


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
