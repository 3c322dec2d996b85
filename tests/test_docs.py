"""Every setting the code reads is documented in the README."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_every_environment_variable_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "bot").rglob("*.py"))
    names = set(re.findall(r"\bOPASTIN_[A-Z_]+[A-Z]\b", code))
    settings = (ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    mail = (ROOT / "bot" / "mail.py").read_text(encoding="utf-8")
    prefixed = {f"OPASTIN_{name}" for name in re.findall(r'get\("([A-Z_]+)"\)', settings)}
    prefixed |= {f"OPASTIN_SMTP_{name}" for name in re.findall(r'get\("([A-Z]+)"\)', mail)}
    missing = sorted(name for name in names | prefixed if name not in readme)
    assert missing == []
