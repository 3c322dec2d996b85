"""Speech: voice messages as questions (faster-whisper, offline) and answers read aloud (espeak-ng).

Channel-free: a channel hands ``Voice`` the bytes of a voice message and shows what comes back.
Importing this package loads no model and does not import faster-whisper; the first voice
message does.
"""

from __future__ import annotations

from .audio import VoiceNote, decode, encode_voice
from .models import SpeechModel, install_speech_model, installed_speech_model, read_model
from .speaker import VOICES, Speaker, spoken_text
from .transcriber import MAX_SECONDS, Transcriber, Transcript, WhisperTranscriber, initial_prompt
from .voice import MAX_BYTES, Heard, Voice, build_voice, speech_names

__all__ = [
    "MAX_BYTES",
    "MAX_SECONDS",
    "VOICES",
    "Heard",
    "Speaker",
    "SpeechModel",
    "Transcriber",
    "Transcript",
    "Voice",
    "VoiceNote",
    "WhisperTranscriber",
    "build_voice",
    "decode",
    "encode_voice",
    "initial_prompt",
    "install_speech_model",
    "installed_speech_model",
    "read_model",
    "speech_names",
    "spoken_text",
]
