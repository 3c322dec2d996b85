"""The staff web console as an ASGI app: its routes, sessions kept in the store, a guard that lets
nobody but signed-in staff past the login page, the security headers of every response, and a
refusal of every request sent to another host name than the console's (DNS rebinding). Bound to
127.0.0.1 by default."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp
from telegram import Bot

from ..app import Services
from ..errors import ConfigError
from .review import Review
from .roles import AccountRoles
from .sessions import StoreSessions
from .views import Check, Console

#: Paths open to a browser without a signed-in staff member (and the stylesheet under STATIC).
OPEN_PATHS = ("/login", "/language")
STATIC = "/static/"
#: The host names of a console on this machine only (the default, `opastin web` on 127.0.0.1).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: What every response says to the browser: no script or style but the console's own files, no
#: plugins, forms only to the console, never inside another page's frame; no guessing of types,
#: no addresses handed to other sites. Pages and downloads carry personal data: never cached.
HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
NO_STORE = (b"cache-control", b"no-store")


class _RequireStaff:
    """ASGI middleware: every path but /login needs a signed-in staff member."""

    def __init__(self, app: Any, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if (
            path
            and path not in OPEN_PATHS
            and not path.startswith(STATIC)
            and not scope.get("session", {}).get("staff")
        ):
            method = scope["method"]
            response: Response = (
                RedirectResponse("/login", status_code=303)
                if method in ("GET", "HEAD")
                else self.refuse(Request(scope))
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class _Headers:
    """ASGI middleware: the security headers on every response, no-store on all but the stylesheet."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = HEADERS if scope["path"].startswith(STATIC) else (*HEADERS, NO_STORE)

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                sent = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in sent)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _SameHost:
    """ASGI middleware: a request whose Host is not one of the console's names is refused, so a
    page of another site whose name was pointed at this machine reads nothing (DNS rebinding)."""

    def __init__(self, app: ASGIApp, hosts: Sequence[str], refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts}
        self.refuse = refuse

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and _host_name(Request(scope).headers.get("host", "")) not in self.hosts:
            await self.refuse(Request(scope))(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _host_name(host: str) -> str:
    """The name in a Host header, without its port: ``localhost:8080`` -> ``localhost``, ``[::1]:80`` -> ``::1``."""
    if host.startswith("["):
        return host[1 : host.find("]")].lower()
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def console_hosts(configured: Sequence[str], bind: str) -> tuple[str, ...]:
    """The host names the console answers to: OPASTIN_CONSOLE_HOSTS, else those of the address it
    listens on (127.0.0.1: this machine's names for itself)."""
    if configured:
        return tuple(configured)
    if bind in ("0.0.0.0", "::", ""):  # noqa: S104 - this is the check for it
        raise ConfigError(
            "opastin web listens on every address: set OPASTIN_CONSOLE_HOSTS to the host names staff "
            "type in their browsers (e.g. console.example.fi), so other sites' pages cannot reach it."
        )
    return LOOPBACK_HOSTS if bind in LOOPBACK_HOSTS else (bind,)


def create_app(
    services: Services,
    check: Check,
    *,
    secure_cookies: bool = False,
    today: date | None = None,
    hosts: Sequence[str] = LOOPBACK_HOSTS,
) -> ASGIApp:
    """The console as an ASGI app, answering to the host names ``hosts``."""
    settings = services.settings
    telegram = None
    if settings.telegram_token:
        token, base_url = settings.telegram_token, settings.telegram_api_url

        def telegram() -> Bot:
            return Bot(token, base_url=base_url) if base_url else Bot(token)

    console = Console(services, check, today, telegram=telegram)
    review = Review(console)
    routes = [
        Route("/", lambda request: RedirectResponse("/try", status_code=303)),
        Route("/login", console.login, methods=["GET", "POST"]),
        Route("/logout", console.logout, methods=["POST"]),
        Route("/language", console.language, methods=["POST"]),
        Route("/try", console.try_question, methods=["GET", "POST"]),
        Route("/knowledge", console.knowledge),
        Route("/knowledge/{entry}", console.knowledge_entry),
        Route("/stats", console.stats),
        Route("/stats.csv", console.stats_csv),
        Route("/unanswered", console.unanswered),
        Route("/tickets", console.tickets),
        Route("/tickets/{number}", console.ticket, methods=["GET", "POST"]),
        Route("/feedback", review.feedback),
        Route("/review", review.languages),
        Route("/review/{language}", review.language),
        Route("/review/{language}/{entry}", review.entry, methods=["GET", "POST"]),
        Mount(STATIC.rstrip("/"), StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ]
    middleware = [
        Middleware(StoreSessions, store=services.store, https_only=secure_cookies),
        Middleware(_RequireStaff, refuse=lambda request: console.error(request, 403, "console_error_sign_in")),
        Middleware(
            AccountRoles, store=services.store, refuse=lambda request: console.error(request, 403, "console_error_role")
        ),
    ]
    errors = {
        404: lambda request, _: console.error(request, 404, "console_error_not_found"),
        405: lambda request, _: console.error(request, 405, "console_error_method"),
        500: lambda request, _: console.error(request, 500, "console_error_server"),
    }
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=errors)
    return _Headers(_SameHost(app, hosts, lambda request: console.error(request, 400, "console_error_host")))
