"""No update lost or answered twice, and no user waiting behind another.

Telegram delivers an update until a ``getUpdates`` call with a higher offset confirms it. The
Updater of python-telegram-bot confirms a batch with its next poll, while the batch may still
be waiting to be handled: a crash then loses it. Here a ledger knows which fetched updates are
not finished, the bot's ``getUpdates`` never confirms past the oldest of them, and an update is
recorded as handled in the store only after its answer was sent (in the same transaction as the
state it changed, see ``TelegramBot.save``), so a re-delivery after a crash is answered once.

Updates of different chats are handled concurrently, those of one chat in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseUpdateProcessor, ExtBot

from ...errors import StoreError
from ...store import Store

log = logging.getLogger(__name__)
_T = TypeVar("_T")
#: Updates handled at the same time (of different chats); more wait for a free place.
MAX_CONCURRENT_UPDATES = 256
#: While updates are being handled, how often to ask Telegram for new ones (it sends the open ones too).
RECHECK_SECONDS = 0.2


class UpdateLedger:
    """The fetched updates that are not finished yet, and the finished ones Telegram may still send."""

    def __init__(self) -> None:
        self._open: set[int] = set()
        self._finished: set[int] = set()
        self._progress = asyncio.Event()

    def oldest_open(self) -> int | None:
        """The oldest update fetched and not finished: no poll may confirm it."""
        return min(self._open) if self._open else None

    def admit(self, update_id: int) -> bool:
        """Take a fetched update in; False when it is already open or finished (fetched again)."""
        if update_id in self._open or update_id in self._finished:
            return False
        self._open.add(update_id)
        return True

    def finish(self, update_id: int) -> None:
        """An update is handled (or refused): the next poll may confirm it (a webhook's update,
        never fetched, is not kept)."""
        if update_id in self._open:
            self._open.discard(update_id)
            self._finished.add(update_id)
        self._progress.set()

    def confirmed(self, offset: int) -> None:
        """A poll with ``offset`` came back: Telegram will not send the updates before it again."""
        self._finished = {done for done in self._finished if done >= offset}

    async def wait_for_progress(self, timeout: float) -> None:
        """Wait until some update is finished, at most ``timeout`` seconds."""
        self._progress.clear()
        with contextlib.suppress(TimeoutError):  # asyncio.timeout, unlike wait_for, never swallows a cancel
            async with asyncio.timeout(timeout):
                await self._progress.wait()


class LedgerBot(ExtBot[Any]):
    """The Bot whose ``getUpdates`` never confirms an update that is still being handled."""

    __slots__ = ("_ledger",)

    def __init__(self, *args: Any, ledger: UpdateLedger, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ledger = ledger

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        """New updates only; the offset stays at the oldest update still being handled."""
        while True:
            oldest = self._ledger.oldest_open()
            confirm = oldest if oldest is not None and (offset is None or oldest < offset) else offset
            updates = await super().get_updates(confirm, limit, timeout, allowed_updates, **kwargs)
            if confirm is not None:
                self._ledger.confirmed(confirm)
            fresh = tuple(update for update in updates if self._ledger.admit(update.update_id))
            if fresh or not updates or not timeout:
                return fresh
            # Telegram sent again only updates still being handled: ask again when one is done, or
            # soon anyway, so that other users' new messages are not held up behind a long one.
            await self._ledger.wait_for_progress(min(_seconds(timeout), RECHECK_SECONDS))


def _seconds(timeout: Any) -> float:
    return float(timeout.total_seconds() if hasattr(timeout, "total_seconds") else timeout)


class ChatOrderProcessor(BaseUpdateProcessor):
    """Handles updates of different chats at once and those of one chat in order, each once."""

    def __init__(self, ledger: UpdateLedger, store: Store, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self.ledger = ledger
        self.store = store
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, skip a re-delivery, handle, record as handled."""
        if not isinstance(update, Update):
            await coroutine
            return
        chat = update.effective_chat.id if update.effective_chat else 0
        lock, waiting = self._chats.get(chat, (asyncio.Lock(), 0))
        self._chats[chat] = (lock, waiting + 1)
        try:
            async with lock:
                await self._handle_once(update, coroutine)
        finally:
            lock, waiting = self._chats[chat]
            if waiting == 1:
                del self._chats[chat]
            else:
                self._chats[chat] = (lock, waiting - 1)
            self.ledger.finish(update.update_id)

    async def _handle_once(self, update: Update, coroutine: Awaitable[Any]) -> None:
        try:
            done = self.store.handled(update.update_id)
        except StoreError as error:
            log.warning("cannot tell whether update %d was handled (%s); handling it", update.update_id, error)
            done = False
        if done:
            log.info("update %d was handled before; skipped", update.update_id)
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            return
        await coroutine
        try:
            self.store.mark_handled(update.update_id)
        except StoreError as error:  # a full disk: said once by the handler that could not save
            log.warning("update %d was answered but cannot be recorded as handled: %s", update.update_id, error)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class BusyError(Exception):
    """So many messages wait for the model that an answer would come too late."""


class ModelWorker:
    """Runs the model work off the event loop, one message at a time, with a bounded queue.

    The event loop stays free for sending, buttons and commands while a long message is being
    understood. When ``max_waiting`` messages already wait, a new one is refused with BusyError
    (the channel tells the user so) instead of being answered minutes later.
    """

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self.waiting = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opastin-model")

    async def run(self, work: Callable[..., _T], *args: Any) -> _T:
        """``work(*args)`` in the model thread; BusyError when the queue is full."""
        if self.waiting >= self.max_waiting:
            raise BusyError
        self.waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)
        finally:
            self.waiting -= 1

    def close(self) -> None:
        """Stop the model thread once its work is done."""
        self._executor.shutdown(wait=True)
