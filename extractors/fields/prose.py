"""Cue phrases for values stated in running text, loaded from ``rules/prose.yaml``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROSE_PATH = Path(__file__).parent / "rules" / "prose.yaml"


@lru_cache(maxsize=1)
def prose_rules() -> dict[str, Any]:
    """The prose cue lexicon (cached): phone cues, name cues, sex words, sign-offs."""
    return yaml.safe_load(PROSE_PATH.read_text(encoding="utf-8"))


def cue_before(text: str, end: int, cues: list[str], window: int = 40) -> str | None:
    """The cue from ``cues`` ending nearest before ``end`` (same line, within ``window``)."""
    lo = max(text.rfind("\n", 0, end) + 1, end - window)
    before = text[lo:end].lower()
    best: tuple[int, str] | None = None
    for cue in cues:
        idx = before.rfind(cue)
        if idx < 0:
            continue
        left_ok = idx == 0 or not before[idx - 1].isalnum()
        right = idx + len(cue)
        right_ok = right >= len(before) or not before[right].isalnum()
        if left_ok and right_ok and (best is None or right > best[0]):
            best = (right, cue)
    return None if best is None else best[1]


_CHECKED = re.compile(
    r"(?:\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)|[☒☑■✓✔●◉])\s*(?P<opt>[^\[\]()☐☒☑■□○●◉✓✔]+)"
)


def checked_option(text: str) -> tuple[int, int] | None:
    """Span of the option ticked in a checkbox row ("[ ] Medicaid [X] Aetna PPO"), if any."""
    m = _CHECKED.search(text)
    if m is None:
        return None
    s, e = m.start("opt"), m.end("opt")
    while e > s and text[e - 1] in " \t,;":
        e -= 1
    return (s, e) if e > s else None
