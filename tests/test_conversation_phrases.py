"""The independent follow-up messages of tests/conversation_phrases/ (README there) are read by the
steering as what they are at least as often as when they were added: rules only, no model, so a
phrase edited out of knowledge/conversation.yml, or a steering rule made stricter, fails here."""

from __future__ import annotations

from benchmarks.conversation_phrases import Reader, counts, load_phrases
from bot.project import load_project
from tests.conftest import ROOT

#: Per category, how many messages were recognised when the set was added (of how many).
RECOGNISED: dict[str, tuple[int, int]] = {
    "ack": (108, 108),
    "children": (106, 108),
    "contact": (103, 108),
    "cost": (103, 108),
    "decline": (107, 108),
    "duration": (108, 108),
    "email": (106, 108),
    "home": (103, 108),
    "language": (102, 108),  # 76 when added; language_questions in session 10
    "new_topic": (102, 108),
    "out_of_scope": (71, 108),
    "person": (108, 108),
    "phone": (107, 108),
    "place": (108, 108),
    "place_followup": (108, 108),
    "signup": (106, 108),
    "social": (107, 108),
    "switch": (108, 108),
    "time": (107, 108),
    "web": (108, 108),
}


def test_the_steering_reads_the_independent_follow_ups_as_often_as_when_they_came() -> None:
    project = load_project(ROOT)
    reached = counts(Reader(project.steering, project.knowledge), load_phrases())
    fewer = {
        category: (now, before)
        for category, (before, n) in RECOGNISED.items()
        if (now := reached.get(category, (0, 0))[0]) < before or reached[category][1] != n
    }
    assert not fewer, f"recognised now vs. when added (or the set changed): {fewer}"
