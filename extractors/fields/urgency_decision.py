"""How urgent a referral is: what it states, weighed against the red flags it mentions.

The referring clinician's stated urgency stands. Silently raising a ticked "Routine" because
the text mentions chest pain got it wrong where it mattered: the mention was negated, a past
episode, a relative's, or sat in an old clinic note. So:

* a stated urgency is the answer, ``stat`` included (and ``stat`` only when stated);
* a current red flag that calls for more than was stated is shown to the reviewer as a problem
  ("possible under-triage: <phrase>") with its box, never a silent change;
* with no stated urgency, a current red flag implies ``urgent`` (never ``stat``), and nothing
  at all means ``routine``;
* negated, family, hypothetical and historical flags never count; a stated urgency is never
  raised by any flag, so a clinic note about a past visit cannot override it. With nothing
  stated, a current flag on a clinic-note page still implies ``urgent``: a missed urgent
  referral costs more than an early appointment.

Pure data in, data out: the triage stage supplies the stated value and the flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.geometry import Box
from models.referral import Problem, Reason
from models.vocab import FieldName, PageKind, Urgency

RANK = {Urgency.STAT: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}
IMPLIED_CONFIDENCE = 0.75
DEFAULT_CONFIDENCE = 0.6
UNDER_TRIAGE = "possible under-triage"


@dataclass(frozen=True)
class Flag:
    """A red flag as triage weighs it: urgency called for, phrase, rule, where it stands."""

    urgency: Urgency
    text: str
    rule: str
    page: int | None = None
    box: Box | None = None
    negated: bool = False
    page_kind: PageKind | None = None


@dataclass(frozen=True)
class Decision:
    """The urgency decided, how (stated | implied | default), why, and what to review."""

    urgency: Urgency
    basis: str
    reasons: list[Reason]
    problems: list[Problem] = field(default_factory=list)
    confidence: float = DEFAULT_CONFIDENCE


def _reason(flag: Flag) -> Reason:
    return Reason(text=flag.text, rule=f"red_flag:{flag.rule}", page=flag.page, box=flag.box)


def decide_urgency(stated: Urgency | None, stated_reason: Reason | None,
                   flags: list[Flag]) -> Decision:
    """Decide a referral's urgency from its stated value and its red flags (module rules)."""
    live = sorted(
        (f for f in flags if not f.negated),
        key=lambda f: (RANK[f.urgency], f.page or 0),
    )
    if stated is not None:
        above = [f for f in live if RANK[f.urgency] < RANK[stated]]
        problems = [
            Problem(
                field=str(FieldName.REFERRAL_URGENCY),
                message=f"{UNDER_TRIAGE}: {f.text}",
                kind="inconsistent",
            )
            for f in _distinct(above)
        ]
        reasons = [stated_reason] if stated_reason else []
        return Decision(stated, "stated", reasons + [_reason(f) for f in above], problems)
    if live:
        implied = Urgency.URGENT  # stat is a clinician's call: only ever stated
        return Decision(implied, "implied", [_reason(f) for f in live],
                        confidence=IMPLIED_CONFIDENCE)
    reasons = [Reason(text="no stated urgency and no current red flag", rule="default")]
    return Decision(Urgency.ROUTINE, "default", reasons)


def _distinct(flags: list[Flag]) -> list[Flag]:
    """One flag per rule (the first), so a phrase repeated on every page is one problem."""
    seen: set[str] = set()
    out = []
    for f in flags:
        if f.rule not in seen:
            seen.add(f.rule)
            out.append(f)
    return out
