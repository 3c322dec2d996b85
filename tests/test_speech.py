"""Voice messages as questions and answers read aloud, with the real parts: the tiny.en
faster-whisper model, questions spoken by espeak-ng and encoded by opusenc, opusdec to check."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import Core, State
from bot.errors import AudioTooLongError, UnreadableAudioError
from bot.languages import SUPPORTED
from bot.speech import (
    MAX_BYTES,
    MAX_SECONDS,
    VOICES,
    Speaker,
    Transcript,
    Voice,
    WhisperTranscriber,
    decode,
    initial_prompt,
    spoken_text,
)
from tests.conftest import ROOT
from tests.voice import decoded_seconds, photo, silence, spoken, tiny_en

KAJAANI_INFO = "Where is the Kajaani Info service point?"


def ask(voice: Voice, audio: bytes, state: State | None = None):
    return asyncio.run(voice.ask(audio, lambda: state or State()))


def test_the_names_of_the_knowledge_base_are_heard_as_written(voice: Voice, core: Core) -> None:
    transcript = voice.transcriber.transcribe(spoken(KAJAANI_INFO), voice.prompt(core.knowledge))  # type: ignore[union-attr]
    assert "Kajaani Info" in transcript.text
    assert transcript.language is None, "an English-only model detects no language"
    assert 1.0 < transcript.seconds < 10.0


def test_the_prompt_puts_municipalities_and_kept_terms_first_and_fits(voice: Voice, core: Core) -> None:
    prompt = voice.prompt(core.knowledge)
    assert prompt.startswith("Hyrynsalmi, Kajaani, Kuhmo")
    assert "Kajaani Info" in prompt
    assert "Kajaanissa" not in prompt, "inflected forms only crowd out names"
    assert len(prompt) <= 300
    assert initial_prompt(["a" * 10, "b" * 10, "c" * 10], limit=25) == f"{'a' * 10}, {'b' * 10}."


def test_a_voice_question_is_answered_as_the_same_text_with_what_was_heard_on_top(voice: Voice, core: Core) -> None:
    heard = ask(voice, spoken(KAJAANI_INFO))
    typed = core.reply(State(), KAJAANI_INFO)
    assert heard.reply.topic == typed.topic == "service_point"
    assert heard.reply.text == typed.text
    assert heard.transcript is not None
    assert "Kajaani Info" in heard.transcript
    assert heard.text.startswith(f'I heard: "{heard.transcript}"\n\n')


def test_a_voice_question_keeps_the_conversation(voice: Voice) -> None:
    state = State(language="fi", language_chosen=True, municipality="Sotkamo")
    heard = ask(voice, spoken("Who makes the integration plan?"), state)
    assert heard.reply.language == "fi"
    assert heard.reply.state.municipality == "Sotkamo"
    assert heard.heard_line.startswith("Kuulin: ")


def test_transcription_waits_its_turn_and_says_how_many_are_before(voice: Voice) -> None:
    audio = spoken(KAJAANI_INFO)

    async def three_at_once() -> list[str | None]:
        first = asyncio.create_task(voice.ask(audio, State))
        second = asyncio.create_task(voice.ask(audio, State))
        await asyncio.sleep(0)  # both are now waiting for the one worker
        notice = voice.queue_notice(State())
        assert notice is not None
        assert notice.text == "Voice messages before yours: 2. I will answer soon."
        heard = await asyncio.gather(first, second)
        assert voice.queue_notice(State()) is None
        return [h.reply.topic for h in heard]

    assert asyncio.run(three_at_once()) == ["service_point", "service_point"]


def test_without_a_model_a_voice_message_gets_a_polite_line_and_the_topics(core: Core) -> None:
    voice = Voice(lambda: core, None)
    refusal = voice.refusal(State(language="so"), 5, 10_000)
    assert refusal is not None
    assert refusal.text == core.texts.get("voice_unavailable", "so")
    assert refusal.buttons == core.topic_buttons("so")


def test_too_long_or_too_big_is_refused_before_download(voice: Voice, core: Core) -> None:
    assert voice.refusal(State(), MAX_SECONDS, MAX_BYTES) is None
    for seconds, size in ((MAX_SECONDS + 1, 1000), (10, MAX_BYTES + 1)):
        refusal = voice.refusal(State(language="ar"), seconds, size)
        assert refusal is not None
        assert refusal.text == core.texts.get("voice_too_long", "ar")


def test_audio_longer_than_it_claims_is_refused_without_decoding_it_all(voice: Voice, core: Core) -> None:
    audio = silence(MAX_SECONDS + 10)
    with pytest.raises(AudioTooLongError):
        decode(audio, MAX_SECONDS)
    heard = ask(voice, audio)
    assert heard.reply.text == core.texts.get("voice_too_long", "en")
    assert heard.transcript is None


@pytest.mark.parametrize(
    "audio",
    [b"", b"OggS" + bytes(200), (ROOT / "bot" / "web" / "templates" / "base.html").read_bytes()],
    ids=["empty", "broken-ogg", "not-audio"],
)
def test_unreadable_audio_gets_a_polite_line(voice: Voice, core: Core, audio: bytes) -> None:
    with pytest.raises(UnreadableAudioError):
        decode(audio, MAX_SECONDS)
    heard = ask(voice, audio, State(language="uk"))
    assert heard.reply.text == core.texts.get("voice_unreadable", "uk")
    assert heard.transcript is None


def test_a_photo_is_not_audio(voice: Voice, core: Core) -> None:
    picture = photo()
    assert picture.startswith(b"\xff\xd8"), "a JPEG"
    heard = ask(voice, picture)
    assert heard.reply.text == core.texts.get("voice_unreadable", "en")


def test_nothing_heard_is_said_so_and_not_answered(voice: Voice, core: Core) -> None:
    heard = voice.answer(core, State(language="fa"), Transcript("...", None, 0.0, 3.0))
    assert heard.reply.text == core.texts.get("voice_empty", "fa")
    assert heard.transcript is None


def test_the_language_heard_decides_for_a_short_transcript(core: Core) -> None:
    short = core.reply(State(language="en"), "Kela?", heard_language="so")
    assert short.language == "so"
    chosen = core.reply(State(language="fi", language_chosen=True), "Kela?", heard_language="so")
    assert chosen.language == "fi"
    written = core.reply(State(), "Where is the Kajaani Info service point and when is it open?", heard_language="so")
    assert written.language == "en", "a long transcript speaks for itself"
    unsure = Voice(lambda: core, None).answer(core, State(language="en"), Transcript("Kela?", "so", 0.2, 1.0))
    assert unsure.reply.language == "en", "an unsure detection is no signal"


def test_espeak_speaks_fifteen_of_the_eighteen_languages() -> None:
    speaker = Speaker()
    assert [language for language in SUPPORTED if not speaker.can_speak(language)] == ["so", "rw", "ckb"]
    assert set(VOICES) == set(SUPPORTED) - {"so", "rw", "ckb"}


def test_a_spoken_answer_is_an_opus_voice_note_that_decodes(voice: Voice, core: Core) -> None:
    reply = core.reply(State(), KAJAANI_INFO)
    note = asyncio.run(voice.speak(reply))
    assert note is not None
    assert note.data.startswith(b"OggS")
    assert b"OpusHead" in note.data[:100]
    assert decoded_seconds(note.data) == pytest.approx(note.seconds, abs=0.1)
    assert note.seconds > 5
    assert asyncio.run(voice.speak(core.reply(State(language="so", language_chosen=True), KAJAANI_INFO))) is None


def test_addresses_are_not_spelled_out() -> None:
    text = "Write to kajaani.info@kajaani.fi or see https://www.kajaani.fi/fi/palvelut/kajaani-info. • Call 08 61551."
    said = spoken_text(text, "the address in the message")
    assert said == ("Write to the address in the message or see the address in the message. Call 08 61551.")


def test_a_text_only_bot_does_not_load_speech_recognition(tmp_path: Path) -> None:
    speech = tmp_path / "speech"
    speech.mkdir()
    (speech / "tiny.en").symlink_to(tiny_en().path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.app import Services\n"
        "from bot.channels.telegram.app import build_application\n"
        "from bot.cli import main\n"
        "from bot.paths import project_root\n"
        "from bot.settings import Settings\n"
        f"settings = Settings(data_dir=Path({str(tmp_path)!r}), telegram_token='1:x', secret='s')\n"
        "services = Services(settings, project_root())\n"
        "build_application(services)\n"
        "assert services.voice.transcriber is not None, 'the model is installed'\n"
        "main(['ask', 'Where is Kajaani Info?'])\n"
        "print(sorted(m for m in ('faster_whisper', 'av', 'ctranslate2.models') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=os.environ, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "kajaani.fi" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_model_is_loaded_by_the_first_voice_message(core: Core) -> None:
    transcriber = WhisperTranscriber(tiny_en(), workers=1)
    voice = Voice(lambda: core, transcriber, workers=1)
    assert not transcriber.loaded
    assert voice.refusal(State(), 3, 1000) is None
    assert not transcriber.loaded
    ask(voice, spoken(KAJAANI_INFO))
    assert transcriber.loaded
