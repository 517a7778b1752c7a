"""Sections: which part of a form a label sits in, so "Phone" can be the patient's or the sender's.

Full sections start at a heading ("PATIENT INFORMATION") and run down its column until the
next heading; a label that names a section ("From: Dr. Chen", "Referring Provider:") opens a
short one. The top of a page above its first form label is the letterhead. A mixin for
``layout_scan.Layout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractors.fields.layout_labels import COLONS, Label

if TYPE_CHECKING:
    from extractors.fields.labels import Lexicon
    from extractors.fields.layout_lines import Line, Token

OPENER_REACH = 0.15  # page heights a "From: …" / "Patient: …" label scopes the lines below
HEADER_GAP = 0.25  # a section name with text closer than this beside it labels that text
LETTERHEAD_MAX = 0.25  # letterhead contact lines sit in the top quarter of a page
COLUMN_STEP = 0.1  # page widths between the left edges of two form columns
# Generic labels that start a form (a letterhead prints contacts, not "Name:" or "Address:").
_FORM_GENERICS = {"name", "address", "city_state_zip", "id", "provider", "plan"}


@dataclass(frozen=True)
class Scope:
    section: str
    first: int
    x0: float
    y0: float
    line: int
    full: bool
    beside: bool = False  # opened by "Label: value": the value sits beside the label


class SectionFinder:
    """Section-scoping methods of the page layout (see module docstring).

    Mixed into ``Layout`` before ``ValueFinder``, whose ``value_below`` it uses.
    """

    tokens: list[Token]
    lines: list[Line]
    lex: Lexicon
    scopes: list[Scope]
    letterhead_bottom: float
    _raw: list[Label]

    def _scopes(self, raw: list[Label]) -> list[Scope]:
        full, openers = [], []
        for lab in raw:
            sec = lab.entry.section
            if not sec or lab.score < 0.85:
                continue
            t = self.tokens[lab.first]
            if self._is_header(lab):
                full.append(Scope(sec, lab.first, t.x0, t.y0, t.line, full=True))
            elif lab.delim != "none" and (lab.entry.key or lab.entry.header):
                beside = lab.delim == "colon"
                openers.append(
                    Scope(sec, lab.first, t.x0, t.y0, t.line, full=False, beside=beside)
                )
        out = list(full)
        out.extend(openers)
        return out

    def _is_header(self, lab: Label) -> bool:
        """A section header fills its cell, and no value sits beside or under it.

        "PATIENT INFORMATION" is one whatever follows. A label that names a section is one
        only when no value is printed after or under it: "Referring Provider: Dr. Chen" and a
        table cell "Patient Name" over "Jane Doe" open a section for the few lines below, not
        for the rest of the page.
        """
        if not (lab.entry.section and lab.whole and lab.score >= 0.9):
            return False
        if lab.entry.header and lab.entry.key is None and lab.entry.generic is None:
            return True
        line = self.lines[self.tokens[lab.first].line]
        if any(
            other.first != lab.first
            and self.tokens[other.first].line == self.tokens[lab.first].line
            and other.delim != "none"
            and not other.entry.section
            for other in self._raw
        ):
            return False  # a row of field labels ("Payer    Subscriber ID"), not a heading row
        k = lab.last
        while k < line.last and self.tokens[k].text in COLONS:
            k += 1
        if k < line.last and self.tokens[k].x0 - self.tokens[k - 1].x1 <= HEADER_GAP:
            return False
        # "Patient Name" over a cell holding "Jane Doe" is a label; over "Name: ..." a heading.
        return self.value_below(lab) is None

    def section_for(self, first: int, last: int, generic: str | None = None) -> str | None:
        """The section whose header or opening label scopes tokens ``[first, last]``.

        ``generic`` names the generic label being scoped, if any: a section opened by a label
        only scopes the generics its lexicon entry allows (``opener_scopes``).
        """
        scope = self._scope_for(first, generic)
        if scope is not None:
            return scope.section
        return "letterhead" if self.tokens[first].y0 < self.letterhead_bottom else None

    def _scope_for(self, first: int, generic: str | None = None) -> Scope | None:
        tok = self.tokens[first]
        h = max(tok.y1 - tok.y0, 0.005)
        cands = []
        for sc in self.scopes:
            same_line = sc.line == tok.line
            if (sc.first >= first and same_line) or (not same_line and sc.y0 >= tok.y0 - 0.3 * h):
                continue
            if sc.first == first:
                continue
            if tok.x0 < sc.x0 - 0.06:
                continue
            if not sc.full and (
                tok.y0 - sc.y0 > OPENER_REACH
                or not self.lex.opener_scopes_generic(sc.section, generic)
            ):
                continue
            cands.append(sc)
        # Two columns of blocks ("Recipient: …" | "Sender: …"): a token under the right
        # column's opener is in that block, not in one opened further left lower down, nor
        # by a "Label: value" further left on its own text line (a PDF line may run across
        # both columns). A bare heading cell ("Insurance" over its value) does scope the
        # cells right of it on its line: that is a table's header row.
        cands = [
            sc
            for sc in cands
            if (sc.line == tok.line and not sc.beside)
            or not any(o.x0 > sc.x0 + COLUMN_STEP and o.line != tok.line for o in cands)
        ]
        if not cands:
            return None
        top = max(sc.y0 for sc in cands)
        near = [sc for sc in cands if sc.y0 >= top - 0.012]
        return max(near, key=lambda sc: (sc.x0, sc.first))


def letterhead_bottom(toks: list[Token], raw: list[Label]) -> float:
    """Top of the first form label or header: above it (and in the top quarter) is letterhead.

    A letter or cover sheet opens with the sender's name and contact lines; a "Phone"/"Fax"
    there is the sender's, not the patient's.
    """
    for lab in raw:
        form_like = bool(lab.entry.key or lab.entry.header) and lab.delim != "none"
        form_like |= lab.entry.generic in _FORM_GENERICS and lab.delim == "colon"
        if form_like and lab.score >= 0.9:
            return min(toks[lab.first].y0, LETTERHEAD_MAX)
    return LETTERHEAD_MAX
