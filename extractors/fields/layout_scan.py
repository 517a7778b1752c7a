"""Reading a page's structure: tokens, lines, column gaps, labels and the sections scoping them.

This is the machinery behind ``layout.py``. Everything is derived from the words' boxes and
``(block, line)`` numbers, never from one vendor's template: a wide horizontal gap splits a
line into cells, a lexicon wording that fills its cell or ends in ":" is a label, and a header
("PATIENT INFORMATION", "From:") scopes the ambiguous labels below it in its column.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from extractors.fields.labels import Lexicon, load_lexicon, normalise
from extractors.fields.layout_labels import COLONS, Label, match_line, with_key
from extractors.fields.layout_lines import read_lines
from extractors.fields.layout_sections import SectionFinder, letterhead_bottom
from extractors.fields.layout_values import ValueFinder

if TYPE_CHECKING:
    from models.document import Page

_SEX_WORDS = {"m", "f", "x", "u", "male", "female", "unknown", "other", "nonbinary", "non-binary"}


class Layout(SectionFinder, ValueFinder):
    """The analysed page: tokens, lines, accepted labels and section scopes."""

    def __init__(self, page: Page, lex: Lexicon) -> None:
        """Analyse ``page`` against ``lex`` (the lexicon is a parameter so tests can swap it)."""
        self.text = page.text()
        self.lex = lex
        self.tokens, self.lines = read_lines(page)
        self._starts = [t.start for t in self.tokens]
        raw = [lab for line in self.lines for lab in match_line(lex, self.text, self.tokens, line)]
        self.letterhead_bottom = letterhead_bottom(self.tokens, raw)
        self.strong = {lab.first for lab in raw if lab.delim != "none"}  # refined below
        self._raw = raw
        self.scopes = self._scopes(raw)
        self.labels = self._resolve(lex, raw)
        self.strong = {lab.first for lab in self.labels if lab.header or lab.delim != "none"}
        self.owned = {self._after(lab) for lab in self.labels if lab.key and lab.delim != "none"}

    # --- sections -------------------------------------------------------------------------
    def _after(self, lab: Label) -> int:
        """Index of the token after a label and its colon (its value's start), -1 at line end."""
        line = self.lines[self.tokens[lab.first].line]
        k = lab.last
        while k < line.last and self.tokens[k].text in COLONS:
            k += 1
        return k if k < line.last else -1

    def _resolve(self, lex: Lexicon, raw: list[Label]) -> list[Label]:
        """Keys for the matched labels, in reading order, and which of them to accept.

        A block opened by labels rather than a header never holds the same field twice: on a
        form printing "Referred by / Practice Name / Office Phone" and then "Name / Phone"
        without headers, the second "Name" starts the next (patient) block, so it falls back
        to the lexicon default instead of the referring section.
        """
        out: list[Label] = []
        seen: dict[str, set[str]] = {}
        for lab in raw:
            ent = lab.entry
            if lab.delim == "none" and out and out[-1].last == lab.first and out[-1].key:
                continue  # "Group: GRP 123": the word after a label is its value, not a label
            pure_header = ent.header and ent.key is None and ent.generic is None
            if pure_header:
                if lab.whole or lab.delim == "colon":
                    out.append(with_key(lab, None, lab.score, ent.section, header=True))
                continue
            scope = None if lab.section else self._scope_for(lab.first, ent.generic)
            section = lab.section or self.section_for(lab.first, lab.last - 1, ent.generic)
            key, factor = lex.resolve(ent, section)
            if (
                ent.generic
                and scope is not None
                and not scope.full
                and key in seen.get(section, ())
            ):
                section = None
                key, factor = lex.resolve(ent, None)
            if key is None or factor <= 0:
                continue
            wlen = len(normalise(ent.wording))
            ok = (
                lab.delim == "colon"
                or (lab.delim == "gap" and (lab.score >= 0.9 or lab.meaning) and wlen >= 2)
                or (
                    lab.delim == "none"
                    and key in lex.inline
                    and lab.score == 1.0
                    and wlen >= 3  # "ID 83654" in an address is Idaho, not a label
                    and self._inline_ok(lab, key)
                )
            )
            if not ok:
                continue
            own = ent.section if ent.key and ent.section else section
            header = self._is_header(lab)
            if header and own:
                seen[own] = set()
            if own:
                seen.setdefault(own, set()).add(key)
            out.append(with_key(lab, key, lab.score * factor, own, header=header))
        return out

    def _inline_ok(self, lab: Label, key: str) -> bool:
        """A label in running text needs a value-looking word right after it.

        "DOB 03/04/1961" and "Sex F" are labels; "Main St" and "fax the records" are not.
        """
        line = self.lines[self.tokens[lab.first].line]
        nxt = [self.tokens[k].text for k in range(lab.last, min(lab.last + 3, line.last))]
        if not nxt and self.tokens[lab.first].line + 1 < len(self.lines):
            following = self.lines[self.tokens[lab.first].line + 1]  # wrapped running text
            nxt = [self.tokens[k].text for k in range(following.first, following.first + 1)]
        if not nxt:
            return False
        if key == "patient.sex":
            return nxt[0].strip(".,;").lower() in _SEX_WORDS
        return any(c.isdigit() for c in "".join(nxt)) or nxt[0][:1].isupper()

    def token_at(self, offset: int) -> int | None:
        """Index of the token at (or first after) character ``offset``."""
        if not self.tokens:
            return None
        k = max(bisect_right(self._starts, offset) - 1, 0)
        if self.tokens[k].end <= offset and k + 1 < len(self.tokens):
            k += 1
        return k


def build_layout(page: Page, lexicon: Lexicon | None = None) -> Layout:
    """Analyse ``page`` with the default (or a given) label lexicon."""
    return Layout(page, lexicon or load_lexicon())
