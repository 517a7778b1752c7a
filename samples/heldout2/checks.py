"""Checklists: specialty, urgency and sex printed as options with one of them marked."""

from __future__ import annotations

import random

from samples.heldout2.case import Case
from samples.heldout2.clinical import GRID_NAMES, SPECIALTY_NAMES
from samples.heldout2.pen import MARK_KINDS, Pen

URGENCY_OPTIONS = (
    {"routine": "Routine", "urgent": "Urgent", "stat": "STAT"},
    {"routine": "Routine (4-6 wks)", "urgent": "Urgent (< 2 wks)", "stat": "Emergent (same day)"},
    {"routine": "ROUTINE", "urgent": "URGENT", "stat": "STAT"},
    {"routine": "Non-urgent", "urgent": "Urgent", "stat": "Immediate"},
    {"routine": "Standard", "urgent": "Expedited", "stat": "STAT"},
)
SEX_OPTIONS = (
    {"M": "M", "F": "F", "X": "X", "U": "U"},
    {"M": "Male", "F": "Female", "X": "Non-binary", "U": "Unknown"},
    {"M": "MALE", "F": "FEMALE", "X": "X", "U": "UNK"},
)


def _row(
    pen: Pen,
    x: float,
    y: float,
    max_x: float,
    options: list[tuple[str, bool]],
    kind: str,
    size: float,
    gap: float = 12,
) -> float:
    """Options left to right, wrapping; return the y of the next line."""
    start = x
    for label, marked in options:
        need = pen.width(label, size=size) + size * 2 + gap
        if x + need > max_x and x > start:
            x = start
            y += size * 1.9
        x += pen.option(x, y, label, kind, size, marked=marked) + gap
    return y + size * 1.9


def urgency_row(
    pen: Pen,
    rng: random.Random,
    case: Case,
    x: float,
    y: float,
    max_x: float,
    label: str,
    kind: str | None = None,
) -> float:
    """``label`` then the urgency options; the case's one is marked."""
    kind = kind or rng.choice(MARK_KINDS)
    names = rng.choice(URGENCY_OPTIONS)
    order = ["routine", "urgent", "stat"] if rng.random() < 0.6 else ["stat", "urgent", "routine"]
    size = pen.style.size
    w = pen.text(x, y, label, pen.style.bold, size) + 10
    case.state_urgency()
    return _row(pen, x + w, y, max_x, [(names[u], u == case.urgency) for u in order], kind, size)


def sex_row(
    pen: Pen,
    rng: random.Random,
    case: Case,
    x: float,
    y: float,
    max_x: float,
    label: str,
    kind: str | None = None,
) -> float:
    """``label`` then the sex options; the patient's one is marked."""
    kind = kind or rng.choice(MARK_KINDS)
    names = rng.choice(SEX_OPTIONS)
    codes = ["M", "F"] if rng.random() < 0.5 else ["F", "M"]
    if case.patient.sex in "XU" or rng.random() < 0.3:
        codes += ["X"] if case.patient.sex != "U" else ["U"]
    size = pen.style.size
    w = pen.text(x, y, label, pen.style.bold, size) + 10
    case.mark("patient.sex")
    return _row(
        pen, x + w, y, max_x, [(names[c], c == case.patient.sex) for c in codes], kind, size
    )


def specialty_grid(
    pen: Pen,
    rng: random.Random,
    case: Case,
    x: float,
    y: float,
    max_x: float,
    title: str,
    kind: str | None = None,
) -> float:
    """A grid of specialty options with the case's one marked; return the y below it."""
    kind = kind or rng.choice(MARK_KINDS)
    others = [s for s in sorted(GRID_NAMES) if s != case.specialty]
    chosen = [*rng.sample(others, rng.randint(7, 15)), case.specialty]
    if rng.random() < 0.7:
        chosen.sort()
    else:
        rng.shuffle(chosen)
    size = pen.size(pen.style.size - 0.5)
    y = y + size
    pen.text(x, y, title, pen.style.bold, size + 0.5)
    y += size * 1.9
    cols = rng.choice((2, 3, 3, 4))
    col_w = (max_x - x) / cols
    names = {
        s: (rng.choice(SPECIALTY_NAMES[s]) if rng.random() < 0.3 else GRID_NAMES[s]) for s in chosen
    }
    names = {
        s: n if pen.width(n, size=size) < col_w - 2.5 * size else GRID_NAMES[s]
        for s, n in names.items()
    }
    for i, s in enumerate(chosen):
        cx = x + (i % cols) * col_w
        cy = y + (i // cols) * size * 1.9
        pen.option(cx, cy, names[s], kind, size, marked=s == case.specialty)
    if rng.random() < 0.5:
        i = len(chosen)
        pen.option(
            x + (i % cols) * col_w,
            y + (i // cols) * size * 1.9,
            "Other: ________",
            kind,
            size,
            marked=False,
        )
        i += 1
    else:
        i = len(chosen) - 1
    case.state_specialty()
    return y + (i // cols + 1) * size * 1.9
