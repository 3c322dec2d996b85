"""Ticket round trips through the Bot API peer with real tiny Argos models, and SMTP delivery.

Run: .venv/bin/python -m benchmarks.handoff [tickets]
Prints p50/p95 of: a user's question to the ticket in the staff group (MT ar->en->fi), a staff
reply to the answer in the user's chat (MT fi->en->ar), and an e-mail accepted by an SMTP server
on loopback (STARTTLS + login).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.core import percentile
from bot.app import load_core
from bot.core import Core
from bot.mail import send_mail
from bot.mt.argos import ArgosTranslator
from bot.mt.models import install_model
from bot.names import HANDOFF_ACTION
from tests.botapi import Peer, running_bot
from tests.smtp import SmtpServer, mail_settings
from tests.tiny_argos import build_copy_model

STAFF = -100777


async def round_trips(core: Core, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds user -> staff group and staff -> user, ``count`` tickets."""
    to_staff, to_user = [], []
    peer = Peer()
    await peer.start()
    with tempfile.TemporaryDirectory() as data:
        async with running_bot(core, Path(data), peer, staff_chat_id=STAFF):
            for number in range(count):
                chat = 5000 + number
                await peer.send_text(chat, "أريد التحدث مع موظف من فضلك", language_code="ar")
                await peer.wait_for_texts(chat, 1)
                offer = peer.last_message(chat)
                await peer.press(chat, offer, HANDOFF_ACTION, language_code="ar")
                await peer.wait_for_texts(chat, 2)
                staff_before = len(peer.texts(STAFF))
                start = time.perf_counter()
                await peer.send_text(chat, f"هل يمكنني الحصول على مساعدة رقم {number}؟", language_code="ar")
                await peer.wait_for_texts(STAFF, staff_before + 1)
                to_staff.append((time.perf_counter() - start) * 1000)
                ticket = peer.last_message(STAFF)
                await peer.wait_for_texts(chat, 3)
                start = time.perf_counter()
                await peer.send_text(STAFF, "Tervetuloa Kajaani Infoon.", user_id=1, reply_to=ticket)
                await peer.wait_for_texts(chat, 4)
                to_user.append((time.perf_counter() - start) * 1000)
    await peer.stop()
    return to_staff, to_user


def main(count: int) -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        models, files = Path(folder) / "models", Path(folder) / "files"
        files.mkdir()
        for source, target, upper in (("ar", "en", False), ("en", "fi", True), ("fi", "en", False), ("en", "ar", True)):
            install_model(models, build_copy_model(files, source, target, uppercase=upper))
        base = load_core()
        translator = ArgosTranslator(models, base.knowledge.proper_names)
        core = Core(
            base.knowledge,
            base.texts,
            base.nlu,
            base.translations,
            translator,
            today=base.today,
            steering=base.steering,
        )
        to_staff, to_user = asyncio.run(round_trips(core, count))
    print(
        f"{count} tickets: user -> staff group p50 {percentile(to_staff, 0.5):.0f} ms, "
        f"p95 {percentile(to_staff, 0.95):.0f} ms"
    )
    print(f"staff reply -> user p50 {percentile(to_user, 0.5):.0f} ms, p95 {percentile(to_user, 0.95):.0f} ms")
    with SmtpServer() as server:
        settings = mail_settings(server)
        times = []
        for number in range(count):
            start = time.perf_counter()
            send_mail(settings, "palvelupiste@kajaani.test", f"Opastin: tiketti {number}", "Kysymys " * 40)
            times.append((time.perf_counter() - start) * 1000)
    print(f"SMTP (STARTTLS + login) delivery p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
