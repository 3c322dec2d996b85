"""Voice messages through the real python-telegram-bot stack and the Bot API peer: the peer
serves the voice message (getFile, then the file endpoint), the bot transcribes it with the real
tiny.en model and answers; /voice sends answers as OGG/Opus voice messages, checked to decode."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from telegram import Bot

from bot.channels.telegram.voicedesk import file_url
from bot.core import Core, State
from bot.errors import ConfigError
from bot.privacy import pseudonym
from bot.speech import MAX_BYTES, MAX_SECONDS, Speaker, Transcript, Voice, WhisperTranscriber
from bot.store import Store
from tests.botapi import SECRET, Fault, Peer, play
from tests.voice import decoded_seconds, photo, spoken

USER = 4242
#: Far from any threshold: the service point at 0.99 when typed (and heard exactly by tiny.en).
QUESTION = "Where is the Kajaani Info service point?"
KUUSAMO = "Who is the contact person for integration in Kuusamo?"


@pytest.fixture(scope="module")
def question() -> bytes:
    return spoken(QUESTION)


def heard_and_answer(text: str) -> tuple[str, str]:
    """The transcript in the "I heard" line, and the answer under it."""
    line, _, answer = text.partition("\n\n")
    assert line.startswith('I heard: "'), line
    assert line.endswith('"'), line
    return line.removeprefix('I heard: "').removesuffix('"'), answer


async def settled(peer: Peer, user: int, texts: int) -> list[str]:
    """The ``texts`` answers to ``user``, once everything before is also saved: a /help after
    them is answered only when the updates before it are finished (one chat's are in order)."""
    await peer.send_text(user, "/help")
    return (await peer.wait_for_texts(user, texts + 1))[:texts]


def test_the_file_url_is_the_bot_api_file_endpoint_as_python_telegram_bot_builds_it() -> None:
    for api, files in (
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot123:T"),
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot123:T"),
        ("https://api.telegram.org/bot{token}/test", "https://api.telegram.org/file/bot123:T/test"),
        ("http://proxy.example/telegram/bot", "http://proxy.example/telegram/file/bot123:T"),
    ):
        assert Bot("123:T", base_url=api, base_file_url=file_url(api)).base_file_url == files
    with pytest.raises(ConfigError, match="OPASTIN_TELEGRAM_API_URL"):
        file_url("http://127.0.0.1:8081/")


def test_a_voice_message_is_downloaded_heard_and_answered_as_the_same_text(
    core: Core, voice: Voice, question: bytes, tmp_path: Path
) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_voice(USER, question, duration=3)
        [text] = await settled(peer, USER, 1)
        transcript, answer = heard_and_answer(text)
        assert "Kajaani Info" in transcript
        assert answer == core.reply(State(language="en"), transcript).text
        assert peer.downloads == ["voice-1"], "fetched from the file endpoint getFile pointed to"
        [stored] = store.questions()
        assert stored["text"] == transcript
        assert stored["topic"] == "service_point"
        assert peer.sent(USER, "sendVoice") == [], "no spoken answer unless the user asks for it"

    play(core, tmp_path, scenario, voice=voice)
    database = b"".join(path.read_bytes() for path in tmp_path.glob("opastin.sqlite*"))
    assert question[100:164] not in database, "the audio is never stored"
    assert b"OggS" not in database


def test_a_spoken_follow_up_goes_on_from_the_conversation(core: Core, voice: Voice, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, KUUSAMO)
        await peer.send_voice(USER, spoken("And in Paltamo?"), duration=2)
        first, second = await peer.wait_for_texts(USER, 2)
        assert "raisa.kuusisto@kuusamo.fi" in first
        transcript, answer = heard_and_answer(second)
        assert "Paltamo" in transcript
        assert "helena.hynynen@paltamo.fi" in answer
        assert "helena.hynynen@paltamo.fi" not in core.reply(State(language="en"), transcript).text, (
            "the context, not the words alone, gives Paltamo's contact"
        )

    play(core, tmp_path, scenario, voice=voice)


def test_a_voice_message_over_the_limits_is_refused_before_download(
    core: Core, voice: Voice, question: bytes, tmp_path: Path
) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_voice(USER, question, duration=MAX_SECONDS + 1)
        await peer.send_voice(USER, question, duration=30, file_size=MAX_BYTES + 1, kind="audio")
        texts = await peer.wait_for_texts(USER, 2)
        assert texts == [core.texts.get("voice_too_long", "en")] * 2
        assert peer.sent(None, "getFile") == []
        assert peer.downloads == []
        assert store.questions() == []

    play(core, tmp_path, scenario, voice=voice)


def test_without_a_model_a_voice_message_gets_a_polite_line_and_the_topics(
    core: Core, question: bytes, tmp_path: Path
) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_voice(USER, question, duration=3, language_code="so")
        [text] = await peer.wait_for_texts(USER, 1)
        assert text == core.texts.get("voice_unavailable", "so")
        markup = peer.sent(USER)[-1]["reply_markup"]["inline_keyboard"]
        pressed = [button["callback_data"].rpartition("~")[0] for row in markup for button in row]
        assert pressed == [button.action for button in core.topic_buttons("so")]
        assert peer.downloads == []

    play(core, tmp_path, scenario)  # no speech model in the data dir


def test_corrupt_audio_a_photo_as_audio_and_a_photo_get_a_polite_line(core: Core, voice: Voice, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_voice(USER, b"OggS" + bytes(300), duration=3)
        await peer.send_voice(USER, photo(), duration=3, kind="audio")
        await peer.send_other(USER, "photo", [{"file_id": "p", "file_unique_id": "p", "width": 64, "height": 64}])
        texts = await peer.wait_for_texts(USER, 3)
        assert texts == [core.texts.get("voice_unreadable", "en")] * 2 + [core.texts.get("unsupported_message", "en")]
        assert store.questions() == []

    play(core, tmp_path / "data", scenario, voice=voice)


def test_voice_turns_spoken_answers_on_and_off(core: Core, voice: Voice, tmp_path: Path) -> None:
    key = pseudonym(USER, SECRET.encode())

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/voice")
        await peer.send_text(USER, QUESTION)
        await peer.wait_until(lambda: len(peer.voice_notes.get(USER, [])) == 1)
        settings = store.settings(key)
        assert settings is not None
        assert settings.voice_answers
        await peer.send_text(USER, "/voice")
        await peer.send_text(USER, QUESTION)
        texts = await settled(peer, USER, 4)
        assert texts[0] == core.texts.get("voice_on", "en")
        assert texts[2] == core.texts.get("voice_off", "en")
        [note] = peer.voice_notes[USER]
        assert note.startswith(b"OggS")
        seconds = decoded_seconds(note)  # opusdec fails on anything but OGG/Opus
        assert seconds > 5, "the answer is read, not just a beep"
        [sent] = peer.sent(USER, "sendVoice")
        assert int(sent["duration"]) == round(seconds)
        settings = store.settings(key)
        assert settings is not None
        assert not settings.voice_answers

    play(core, tmp_path, scenario, voice=voice)


def test_a_spoken_answer_telegram_refuses_leaves_the_text_answer_alone(
    core: Core, voice: Voice, tmp_path: Path
) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        peer.faults["sendVoice"] = [Fault(400)]
        await peer.send_text(USER, "/voice")
        await peer.send_text(USER, QUESTION)
        texts = await settled(peer, USER, 2)
        assert texts[1] == core.reply(State(language="en"), QUESTION).text
        assert peer.faults["sendVoice"] == [], "the voice message was tried"
        assert len(peer.texts(USER)) == 3, "no incident message: the answer was given"

    play(core, tmp_path, scenario, voice=voice)


def test_what_the_user_says_for_the_council_goes_to_the_council_helper(
    core: Core, voice: Voice, tmp_path: Path
) -> None:
    said = "We would like more events for families in Kajaani."

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/council")
        await peer.send_voice(USER, spoken(said), duration=3)
        written, heard, preview = await settled(peer, USER, 3)
        assert written == core.texts.get("council_write", "en")
        transcript = heard.removeprefix('I heard: "').removesuffix('"')
        assert "events for families" in transcript
        assert transcript in preview, "the draft is what was heard"
        markup = peer.sent(USER)[-2]["reply_markup"]["inline_keyboard"]
        assert [button["callback_data"].rpartition("~")[0] for row in markup for button in row] == [
            "council:send",
            "council:edit",
            "council:cancel",
        ]
        assert store.questions() == [], "a council message is not a question"

    play(core, tmp_path, scenario, voice=voice)


def test_voice_in_a_language_espeak_cannot_speak_says_so(core: Core, voice: Voice, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        for user, language in ((USER, "so"), (USER + 1, "rw"), (USER + 2, "ckb")):
            await peer.send_text(user, "/voice", language_code=language)
            [text] = await peer.wait_for_texts(user, 1)
            assert text == core.texts.get("voice_no_voice", language)
        await peer.send_text(USER, "Xaggee bay ku taal Kajaani Info?", language_code="so")
        await peer.wait_for_texts(USER, 2)
        assert peer.sent(None, "sendVoice") == []

    play(core, tmp_path, scenario, voice=voice)


def test_delete_leaves_no_trace_of_a_voice_question(core: Core, voice: Voice, question: bytes, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/voice")
        await peer.send_voice(USER, question, duration=3)
        await peer.wait_until(lambda: len(peer.voice_notes.get(USER, [])) == 1)
        await settled(peer, USER, 2)
        assert len(store.questions()) == 1
        await peer.send_text(USER, "/delete")
        await peer.wait_for_texts(USER, 4)
        await peer.press(USER, peer.last_message(USER), "delete:yes")
        await peer.wait_until(lambda: len(peer.sent(USER, "editMessageText")) == 1)
        assert store.settings(pseudonym(USER, SECRET.encode())) is None, "/voice's setting is erased too"

    play(core, tmp_path, scenario, voice=voice)
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    assert pseudonym(USER, SECRET.encode()) not in dump
    assert "Kajaani Info" not in dump
    assert [path.name for path in tmp_path.iterdir() if not path.name.startswith("opastin.sqlite")] == [], (
        "no audio file was left behind"
    )


class GatedTranscriber:
    """The real transcriber behind a gate the test opens: while a transcription is held there,
    the test sees what the bot does meanwhile (no timing involved)."""

    def __init__(self, inner: WhisperTranscriber) -> None:
        self.inner = inner
        self.started = threading.Event()
        self.gate = threading.Event()

    def transcribe(self, audio: bytes, prompt: str, language: str | None = None) -> Transcript:
        self.started.set()
        self.gate.wait(timeout=60)
        return self.inner.transcribe(audio, prompt, language)


def test_text_is_answered_while_a_voice_message_is_transcribed_and_the_next_voice_waits_in_line(
    core: Core, transcriber: WhisperTranscriber, question: bytes, tmp_path: Path
) -> None:
    gated = GatedTranscriber(transcriber)
    voice = Voice(lambda: core, gated, Speaker(), workers=1)

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_voice(USER, question, duration=3)
        assert await asyncio.to_thread(gated.started.wait, 20)
        await peer.send_voice(USER + 2, question, duration=3)
        await peer.send_text(USER + 1, KUUSAMO)
        [typed] = await peer.wait_for_texts(USER + 1, 1)
        [waiting] = await peer.wait_for_texts(USER + 2, 1)
        assert "raisa.kuusisto@kuusamo.fi" in typed
        assert waiting == core.texts.get("voice_queue", "en", count="1")
        assert peer.texts(USER) == [], "the first voice message is still being transcribed"
        gated.gate.set()
        [first] = await peer.wait_for_texts(USER, 1)
        second = (await peer.wait_for_texts(USER + 2, 2))[1]
        assert heard_and_answer(first) == heard_and_answer(second)

    try:
        play(core, tmp_path, scenario, voice=voice)
    finally:
        gated.gate.set()
        voice.close()
