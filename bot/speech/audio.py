"""Audio in memory: any format Telegram sends decoded to 16 kHz mono, and speech encoded as the
OGG/Opus voice notes Telegram plays. PyAV (FFmpeg's libraries, in its wheel) does both, imported
on first use; nothing touches the disk, so no audio is ever stored.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import AudioTooLongError, UnreadableAudioError

#: The rate speech recognition works at.
SAMPLE_RATE = 16000
#: Voice notes are Opus at 48 kHz, mono, in an OGG container (what Telegram's apps record).
VOICE_RATE = 48000
VOICE_BIT_RATE = 32000


def decode(audio: bytes, max_seconds: float) -> npt.NDArray[np.float32]:
    """``audio`` (OGG/Opus, MP3, M4A, WAV ...) as 16 kHz mono samples in [-1, 1].

    Decoding stops as soon as the audio is longer than ``max_seconds``, whatever its metadata
    claims, so a small file of hours of silence cannot fill the memory.
    """
    import av
    import av.error

    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[npt.NDArray[np.generic]] = []
    samples = 0
    try:
        with av.open(io.BytesIO(audio), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise UnreadableAudioError("The file has no audio stream.")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in _resampled(container.decode(audio=0), resampler):
                chunks.append(frame.to_ndarray().reshape(-1))
                samples += frame.samples
                if samples > limit:
                    raise AudioTooLongError(f"The audio is longer than {max_seconds:.0f} s.")
    except av.error.FFmpegError as error:
        raise UnreadableAudioError(f"The audio cannot be decoded: {error}.") from error
    if not samples:
        raise UnreadableAudioError("The audio is empty.")
    return np.concatenate(chunks).astype(np.float32) / 32768.0


def _resampled(frames: Iterable[Any], resampler: Any) -> Iterator[Any]:
    """The frames converted, then what the resampler still holds."""
    for frame in itertools.chain(frames, [None]):
        yield from resampler.resample(frame)


@dataclass(frozen=True)
class VoiceNote:
    """An OGG/Opus voice note and its length."""

    data: bytes
    seconds: float


def encode_voice(wav: bytes) -> VoiceNote:
    """A WAV file (what espeak-ng writes) as an OGG/Opus voice note."""
    import av
    import av.error

    output = io.BytesIO()
    samples = 0
    try:
        with av.open(io.BytesIO(wav), mode="r") as source, av.open(output, mode="w", format="ogg") as target:
            stream = target.add_stream("libopus", rate=VOICE_RATE, layout="mono")
            stream.bit_rate = VOICE_BIT_RATE
            resampler = av.AudioResampler(format="s16", layout="mono", rate=VOICE_RATE)
            for frame in _resampled(source.decode(audio=0), resampler):
                samples += frame.samples
                target.mux(stream.encode(frame))
            target.mux(stream.encode(None))
    except av.error.FFmpegError as error:
        raise UnreadableAudioError(f"The speech could not be encoded: {error}.") from error
    return VoiceNote(output.getvalue(), samples / VOICE_RATE)
