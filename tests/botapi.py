"""A Telegram Bot API peer on loopback: enough of the protocol for python-telegram-bot 22.

It honours getUpdates offsets and long polling, records what the bot sends, lets tests act as
users (messages, button presses, photos, voice messages, edits) and inject 429, 5xx and slow
answers. Files users send are served as Telegram serves them: ``getFile`` gives a path, the file
is at ``/file/bot<token>/<path>``; voice messages the bot sends (``sendVoice``) are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import Services
from bot.channels.telegram.app import MAX_WAITING, PoliteRateLimiter, build_application
from bot.core import Core
from bot.settings import Settings
from bot.speech import Voice
from bot.store import Store
from tests.conftest import ROOT

TOKEN = "123456:TEST-TOKEN-never-logged"
BOT_USER = {
    "id": 999,
    "is_bot": True,
    "first_name": "Opastin",
    "username": "OpastinBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "entities", "link_preview_options", "reply_parameters"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "timeout", "limit", "reply_to_message_id"}
#: Between a button's action and its signature (bot.channels.telegram.callbacks).
SIGNATURE = "~"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r"</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|blockquote)(?:\s[^>]*)?>")


class RejectedError(Exception):
    """What Telegram answers with 400: the request is wrong and retrying it cannot help."""


@dataclass
class Fault:
    """An answer the peer gives instead of the real one: an HTTP status and a retry_after."""

    status: int
    retry_after: int | None = None


@dataclass
class Peer:
    """The Bot API server and the users' side of the chats."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    inbox: dict[int, list[str]] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    black_hole: set[str] = field(default_factory=set)
    swallowed: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    voice_notes: dict[int, list[bytes]] = field(default_factory=dict)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> str:
        """Serve on a free loopback port; the base URL for OPASTIN_TELEGRAM_API_URL."""
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner:
            await self._runner.cleanup()

    # The users' side ------------------------------------------------------------------------

    def _user(self, user_id: int, language_code: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": language_code}

    def _chat(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "Staff" if chat_id < 0 else None}

    async def _push(self, update: dict[str, Any]) -> int:
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self.history.append(update)
        assert self._changed
        async with self._changed:
            self._changed.notify_all()
        return int(update["update_id"])

    async def send_update(self, update: dict[str, Any]) -> int:
        """Telegram delivers ``update`` as it is (an id is added): for odd updates."""
        return await self._push(dict(update))

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str = "en",
        reply_to: dict[str, Any] | None = None,
    ) -> int:
        """A user writes ``text`` in chat ``chat_id``."""
        message = self._incoming(chat_id, user_id or chat_id, language_code, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to:
            message["reply_to_message"] = reply_to
        return await self._push({"message": message})

    async def send_other(self, chat_id: int, kind: str, payload: Any, language_code: str = "en") -> int:
        """A user sends a non-text message: photo, sticker, voice, document or location."""
        message = self._incoming(chat_id, chat_id, language_code, **{kind: payload})
        return await self._push({"message": message})

    async def send_voice(
        self,
        chat_id: int,
        audio: bytes,
        duration: int,
        *,
        kind: str = "voice",
        file_size: int | None = None,
        language_code: str = "en",
    ) -> int:
        """A user sends a voice message (or an audio file, ``kind="audio"``) the bot can download."""
        file_id = f"{kind}-{len(self.files) + 1}"
        self.files[file_id] = audio
        media = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg" if kind == "voice" else "audio/mpeg",
            "file_size": len(audio) if file_size is None else file_size,
        }
        return await self.send_other(chat_id, kind, media, language_code)

    async def edit_text(self, chat_id: int, message_id: int, text: str, language_code: str = "en") -> int:
        """A user edits an earlier message."""
        message = self._incoming(chat_id, chat_id, language_code, text=text)
        message["message_id"] = message_id
        message["edit_date"] = int(time.time())
        return await self._push({"edited_message": message})

    async def press(
        self, chat_id: int, message: dict[str, Any], action: str, language_code: str = "en", user_id: int | None = None
    ) -> int:
        """A user presses the button of ``message`` whose data is ``action`` (signed or not)."""
        datas = [b["callback_data"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        data = next((d for d in datas if d == action or d.rpartition(SIGNATURE)[0] == action), None)
        assert data is not None, f"no button {action!r} under the message, only {datas}"
        return await self.press_data(chat_id, message, data, language_code, user_id)

    async def press_data(
        self, chat_id: int, message: dict[str, Any], data: str, language_code: str = "en", user_id: int | None = None
    ) -> int:
        """A client sends callback ``data`` for ``message``: any data, as a modified client can."""
        query = {
            "id": str(next(self._message_ids)),
            "from": self._user(user_id or chat_id, language_code),
            "message": message,
            "chat_instance": str(chat_id),
            "data": data,
        }
        return await self._push({"callback_query": query})

    def _incoming(self, chat_id: int, user_id: int, language_code: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._user(user_id, language_code),
            **content,
        }

    # What the bot did -----------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of every successful ``method`` call (to ``chat_id``)."""
        return [p for m, p in self.calls if m == method and (chat_id is None or p.get("chat_id") == chat_id)]

    def texts(self, chat_id: int) -> list[str]:
        """Texts the bot sent or edited into ``chat_id``, in order."""
        return self.inbox.get(chat_id, [])

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The bot's last message in ``chat_id`` as a Message dict (to press its buttons)."""
        ids = [mid for mid, message in self.messages.items() if message["chat"]["id"] == chat_id]
        return self.messages[max(ids)]

    async def wait_until(self, condition: Callable[[], bool], deadline: float = 20.0) -> None:
        """Wait until ``condition()`` holds; fail after ``deadline`` seconds rather than hang."""
        assert self._changed
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), deadline)

    async def wait_for_texts(self, chat_id: int, count: int, deadline: float = 20.0) -> list[str]:
        """Wait until the bot has sent ``count`` texts to ``chat_id``; return them."""
        await self.wait_until(lambda: len(self.texts(chat_id)) >= count, deadline)
        return self.texts(chat_id)

    async def end_black_hole(self) -> None:
        """Answer normally again; the swallowed requests get a 502 (their client may be gone)."""
        assert self._changed
        async with self._changed:
            self.black_hole.clear()
            self._changed.notify_all()

    def redeliver(self) -> None:
        """Queue every update again, as Telegram does when a bot died before confirming them."""
        self.updates = list(self.history)

    # The server -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = _decode(await request.post())
        if method in self.black_hole:  # never answered: as if the network ate it
            assert self._changed
            async with self._changed:
                self.swallowed += 1
                self._changed.notify_all()
                await self._changed.wait_for(lambda: method not in self.black_hole)
            return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502)
        fault = self.faults.get(method, [None]).pop(0) if self.faults.get(method) else None
        if fault:
            body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": f"Injected {fault.status}"}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return web.json_response(body, status=fault.status)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            try:
                result = self._answer(method, params)
            except RejectedError as error:
                self.rejected.append((method, str(error)))
                assert self._changed
                async with self._changed:
                    self._changed.notify_all()
                body = {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
                return web.json_response(body, status=400)
            self.calls.append((method, params))
            assert self._changed
            async with self._changed:
                self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        """A file a user sent, at the path getFile gave (Telegram's file endpoint)."""
        if request.match_info["token"] != TOKEN:
            return web.Response(status=401)
        file_id = request.match_info["path"].removeprefix("voice/").rsplit(".", 1)[0]
        if file_id not in self.files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.calls.append(("getUpdates", params))
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and params.get("timeout"):
            assert self._changed
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.updates)), int(params["timeout"]))
        return list(self.updates)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getFile":
            if params.get("file_id") not in self.files:
                raise RejectedError("invalid file_id")
            file_id = params["file_id"]
            size = len(self.files[file_id])
            return {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": size,
                "file_path": f"voice/{file_id}.oga",
            }
        if method == "sendVoice":
            if not isinstance(params.get("voice"), bytes):
                raise RejectedError("there is no voice in the request")
            self.voice_notes.setdefault(params["chat_id"], []).append(params["voice"])
            voice = {"file_id": "sent", "file_unique_id": "sent", "duration": int(params.get("duration") or 0)}
            message_id = next(self._message_ids)
            sent: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER}
            sent.update(chat=self._chat(params["chat_id"]), voice=voice)
            self.messages[message_id] = sent
            return sent
        if method in ("sendMessage", "editMessageText"):
            _check_message(params)
            if method == "editMessageText":
                edited = self.messages.get(params["message_id"])
                if edited is None:
                    raise RejectedError("message to edit not found")
                if edited["text"] == _visible(params) and edited.get("reply_markup") == params.get("reply_markup"):
                    raise RejectedError(
                        "message is not modified: specified new message content and reply markup are exactly "
                        "the same as a current content and reply markup of the message"
                    )
            message_id = params.get("message_id") or next(self._message_ids)
            text = _visible(params)
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat(params["chat_id"]),
                "from": BOT_USER,
                "text": text,
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            self.messages[message_id] = message
            self.inbox.setdefault(params["chat_id"], []).append(text)
            return message
        return True


def _visible(params: dict[str, Any]) -> str:
    """The text as users see it: HTML parsed when parse_mode says so."""
    text = str(params["text"])
    return html.unescape(_TAG.sub("", text)) if params.get("parse_mode") == "HTML" else text


def _check_message(params: dict[str, Any]) -> None:
    """Telegram's checks on a message: text present, parsable, not too long; button data at most 64 bytes."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        bare = _ENTITY.sub("", _TAG.sub("", text))
        if "<" in bare or "&" in bare:
            raise RejectedError("can't parse entities: unsupported start tag or unfinished entity")
    visible = _visible(params)
    if not visible.strip():
        raise RejectedError("message text is empty")
    if len(visible.encode("utf-16-le")) // 2 > MAX_TEXT:
        raise RejectedError("message is too long")
    for row in params.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise RejectedError("BUTTON_DATA_INVALID")


def _decode(form: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):  # an uploaded file: sendVoice's voice
            params[key] = value.file.read()
        elif key in _JSON_FIELDS:
            params[key] = json.loads(value)
        elif key in _INT_FIELDS:
            params[key] = int(value)
        else:
            params[key] = value
    return params


Scenario = Callable[[Peer, Store], Awaitable[None]]
SECRET = "test-secret-for-pseudonyms"


@contextlib.asynccontextmanager
async def running_bot(
    core: Core, data_dir: Path, peer: Peer, max_waiting: int = MAX_WAITING, voice: Voice | None = None, **settings: Any
) -> AsyncIterator[Store]:
    """The real Application polling ``peer``, as `opastin run` runs it with OPASTIN_TELEGRAM_API_URL
    (with ``voice``, or else the speech model installed in ``data_dir``: none)."""
    config = Settings(
        data_dir=data_dir, telegram_token=TOKEN, telegram_api_url=peer.base_url, **{"secret": SECRET, **settings}
    )
    store = Store.in_dir(data_dir)
    limiter = PoliteRateLimiter(per_chat_rate=0, backoff=0.01)  # no waiting between a test's messages
    services = Services(config, ROOT, cores=lambda: core, store=store, voice=voice)
    application = build_application(services, limiter, max_waiting)
    async with application:
        await application.start()
        assert application.updater
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield store
        finally:
            await application.updater.stop()
            await application.stop()
    store.close()


def play(core: Core, data_dir: Path, scenario: Scenario, **settings: Any) -> None:
    """Run ``scenario`` against the bot and a fresh peer, in one event loop."""

    async def main() -> None:
        peer = Peer()
        await peer.start()
        try:
            async with running_bot(core, data_dir, peer, **settings) as store:
                await scenario(peer, store)
        finally:
            await peer.stop()

    asyncio.run(main())
