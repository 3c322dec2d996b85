"""What each console account may open: staff every page; a reviewer only the Review and Feedback
pages, and there only the languages the account reviews (``Account.sees``, ``Account.reviews``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..store import Store
from ..store_feedback import REVIEWER, Account

#: The pages a reviewer works on (and what is under them).
REVIEWER_PAGES = ("/review", "/feedback")
#: What every signed-in account may do besides its pages.
EVERYONE = ("/login", "/logout", "/language", "/static/")


class AccountRoles:
    """ASGI middleware after the sessions: the signed-in account (``scope["account"]``, with its
    role) looked up on every request; a reviewer asking for a staff page is sent to the Review
    page (GET) or refused (any other method)."""

    def __init__(self, app: Any, store: Store, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.store = store
        self.refuse = refuse

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        staff = scope.get("session", {}).get("staff")
        found = self.store.staff_account(staff) if staff else None
        scope["account"] = found
        path = scope["path"]
        allowed = path.startswith(EVERYONE) or any(
            path == page or path.startswith(f"{page}/") for page in REVIEWER_PAGES
        )
        if found is not None and found.role == REVIEWER and not allowed:
            response = (
                RedirectResponse("/review", status_code=303)
                if scope["method"] in ("GET", "HEAD")
                else self.refuse(Request(scope))
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def account(request: Request) -> Account:
    """The signed-in account of a request the guards let through."""
    found = request.scope.get("account")
    assert isinstance(found, Account), "AccountRoles runs before every page that needs an account"
    return found
