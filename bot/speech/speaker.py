"""Answers read aloud by espeak-ng (Debian's espeak-ng package), as OGG/Opus voice notes.

espeak-ng has a voice for 15 of Opastin's 18 languages: not Somali, Kinyarwanda or Sorani
(its Kurdish voice is Kurmanji). E-mail addresses and URLs are not spelled out character by
character: the spoken text says they are in the message, which carries them.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from ..bidi import strip_isolates
from ..errors import SpeechError
from ..patterns import EMAIL, URL
from .audio import VoiceNote, encode_voice

#: espeak-ng's voice for each language it can speak.
VOICES = {
    "fi": "fi", "sv": "sv", "en": "en-us", "ru": "ru", "et": "et", "fr": "fr-fr", "es": "es", "tr": "tr",
    "zh": "cmn", "fa": "fa", "ar": "ar", "uk": "uk", "vi": "vi", "th": "th", "sw": "sw",
}  # fmt: skip
#: Longer answers are read up to here (about a minute and a half of speech).
MAX_SPOKEN_CHARS = 1500
_ADDRESS = re.compile(f"{URL}|{EMAIL}")
_MARKS = re.compile(r"[•*_`#<>\[\]]")


def spoken_text(text: str, instead_of_address: str) -> str:
    """``text`` as it should be read aloud: each URL and e-mail address replaced by
    ``instead_of_address``, list marks and formatting gone, at most MAX_SPOKEN_CHARS."""
    text = _ADDRESS.sub(instead_of_address, strip_isolates(text))
    text = _MARKS.sub(" ", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    if len(text) > MAX_SPOKEN_CHARS:
        text = text[:MAX_SPOKEN_CHARS].rsplit(" ", 1)[0]
    return text


class Speaker:
    """espeak-ng, run once per answer; its WAV encoded to OGG/Opus in memory."""

    def __init__(self, executable: str = "espeak-ng", timeout: float = 60.0) -> None:
        self.executable = shutil.which(executable)
        self.timeout = timeout

    def can_speak(self, language: str) -> bool:
        """Tell whether espeak-ng is installed and has a voice for ``language``."""
        return self.executable is not None and language in VOICES

    def speak(self, text: str, language: str) -> VoiceNote:
        """``text`` read in ``language`` as a voice note (SpeechError if espeak-ng cannot)."""
        if self.executable is None or language not in VOICES:
            raise SpeechError(f"espeak-ng cannot speak {language}: install Debian's espeak-ng package.")
        try:
            result = subprocess.run(  # noqa: S603 - a fixed program, the text on stdin
                [self.executable, "-v", VOICES[language], "--stdout"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise SpeechError(f"espeak-ng failed: {error}.") from error
        return encode_voice(result.stdout)
