"""The staff web console as an ASGI app: its routes, sessions kept in the store, and a guard that
lets nobody but signed-in staff past the login page. Bound to 127.0.0.1 by default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from telegram import Bot

from ..app import Services
from .sessions import StoreSessions
from .views import Check, Console

#: Paths open to a browser without a signed-in staff member.
OPEN_PATHS = ("/login", "/language")


class _RequireStaff:
    """ASGI middleware: every path but /login needs a signed-in staff member."""

    def __init__(self, app: Any, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] not in OPEN_PATHS and not scope.get("session", {}).get("staff"):
            method = scope["method"]
            response: Response = (
                RedirectResponse("/login", status_code=303)
                if method in ("GET", "HEAD")
                else self.refuse(Request(scope))
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(
    services: Services, check: Check, *, secure_cookies: bool = False, today: date | None = None
) -> Starlette:
    """The console as an ASGI app."""
    settings = services.settings
    telegram = None
    if settings.telegram_token:
        token, base_url = settings.telegram_token, settings.telegram_api_url

        def telegram() -> Bot:
            return Bot(token, base_url=base_url) if base_url else Bot(token)

    console = Console(services, check, today, telegram=telegram)
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
    ]
    middleware = [
        Middleware(StoreSessions, store=services.store, https_only=secure_cookies),
        Middleware(_RequireStaff, refuse=lambda request: console.error(request, 403, "console_error_sign_in")),
    ]
    errors = {
        404: lambda request, _: console.error(request, 404, "console_error_not_found"),
        405: lambda request, _: console.error(request, 405, "console_error_method"),
        500: lambda request, _: console.error(request, 500, "console_error_server"),
    }
    return Starlette(routes=routes, middleware=middleware, exception_handlers=errors)
