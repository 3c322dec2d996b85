"""Console sessions kept server-side in the store: the cookie carries only a random id.

A session ends at logout, after ``LIFETIME`` from its start or ``IDLE`` without use, when its
staff member gets a new password and when the account is removed; the staff member is looked
up in the store on every request, so a cookie opens nothing the store does not know. Signing in
starts a new session (a new id), so an id seen before signing in is worth nothing after.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection

from ..store import Store

SESSION_COOKIE = "opastin_staff"
#: A session ends this long after signing in, however it is used (a working day).
LIFETIME = timedelta(hours=8)
#: ... and after this long without a request.
IDLE = timedelta(hours=2)


class StoreSessions:
    """ASGI middleware: ``scope["session"]`` from the store by the cookie's id, saved back after
    the view; the staff member, if signed in, is ``session["staff"]``."""

    def __init__(self, app: Any, store: Store, *, https_only: bool = False) -> None:
        self.app = app
        self.store = store
        self.flags = "; httponly; samesite=strict" + ("; secure" if https_only else "")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent_token = HTTPConnection(scope).cookies.get(SESSION_COOKIE, "")
        found = self.store.session(sent_token, IDLE) if sent_token else None
        token = sent_token if found else ""
        staff, data = found or (None, {})
        session: dict[str, Any] = {**data, **({"staff": staff} if staff else {})}
        before = json.loads(json.dumps(session))  # a deep copy: was anything changed, however deep
        scope["session"] = session

        async def send_saved(message: Any) -> None:
            if message["type"] == "http.response.start":
                cookie = self._save(token, before, scope["session"])
                if cookie is not None or (sent_token and not found):
                    MutableHeaders(scope=message).append("set-cookie", self._cookie(cookie))
            await send(message)

        await self.app(scope, receive, send_saved)

    def _save(self, token: str, before: dict[str, Any], after: dict[str, Any]) -> str | None:
        """Store what the view left in the session; the cookie's new value ("" to drop it), or
        None when the cookie stays as it is."""
        staff = after.get("staff")
        data = {key: value for key, value in after.items() if key != "staff"}
        if token and (not after or staff != before.get("staff")):
            self.store.end_session(token)  # logged out, or signed in: this id is done
            return self.store.create_session(staff, data, LIFETIME) if after else ""
        if token:
            self.store.touch_session(token, data if after != before else None)
            return None
        return self.store.create_session(staff, data, LIFETIME) if after else None

    def _cookie(self, token: str | None) -> str:
        if not token:
            return f"{SESSION_COOKIE}=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT{self.flags}"
        return f"{SESSION_COOKIE}={token}; path=/; Max-Age={int(LIFETIME.total_seconds())}{self.flags}"
