"""The terminal chat: the no-network channel for trying the bot locally."""

from __future__ import annotations

from typing import TextIO

from ..cleantext import clean
from ..core import Core, Reply, State

PROMPT = "> "
HELP = "Write a question in any language. A number presses a button. /quit ends the chat."


def render(reply: Reply) -> str:
    """The reply as terminal text, buttons numbered."""
    lines = [reply.text]
    lines.extend(f"  [{number}] {button.label}" for number, button in enumerate(reply.buttons, start=1))
    return "\n".join(lines)


def chat(core: Core, state: State, stdin: TextIO, stdout: TextIO) -> State:
    """Talk with the core until /quit or end of input; return the last state."""
    stdout.write(HELP + "\n" + PROMPT)
    stdout.flush()
    buttons: tuple[tuple[str, str], ...] = ()
    for line in stdin:
        text = clean(line)
        if text in ("/quit", "/exit"):
            break
        if text == "/help":
            stdout.write(HELP + "\n" + PROMPT)
            stdout.flush()
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            reply = core.select(state, buttons[int(text) - 1][1])
        else:
            reply = core.reply(state, text)
        state = reply.state
        buttons = tuple((button.label, button.action) for button in reply.buttons)
        stdout.write(render(reply) + "\n\n" + PROMPT)
        stdout.flush()
    stdout.write("\n")
    return state
