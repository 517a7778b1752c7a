"""Reading a page's structure: tokens, lines, column gaps, labels and the sections scoping them.

This is the machinery behind ``layout.py``. Everything is derived from the words' boxes and
``(block, line)`` numbers, never from one vendor's template: a wide horizontal gap splits a
line into cells, a lexicon wording that fills its cell or ends in ":" is a label, and a header
("PATIENT INFORMATION", "From:") scopes the ambiguous labels below it in its column.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractors.fields.labels import Entry, Lexicon, load_lexicon, normalise
from extractors.fields.layout_lines import Line, Token, read_lines
from extractors.fields.layout_values import ValueFinder

if TYPE_CHECKING:
    from models.document import Page

OPENER_REACH = 0.15  # page heights a "From: …" / "Patient: …" label scopes the lines below
HEADER_GAP = 0.25  # a section name with text closer than this beside it labels that text
LETTERHEAD_MAX = 0.25  # letterhead contact lines sit in the top quarter of a page
_COLONS = (":", ";")
# Generic labels that start a form (a letterhead prints contacts, not "Name:" or "Address:").
_FORM_GENERICS = {"name", "address", "city_state_zip", "id", "provider", "plan"}
_SEX_WORDS = {"m", "f", "x", "u", "male", "female", "unknown", "other", "nonbinary", "non-binary"}


@dataclass(frozen=True)
class Label:
    """An accepted label or section header, tokens ``[first, last)``."""

    key: str | None
    entry: Entry
    text: str
    start: int
    end: int
    first: int
    last: int
    score: float
    delim: str  # "colon" | "gap" | "none"
    whole: bool  # fills its cell
    section: str | None = None
    header: bool = False


@dataclass(frozen=True)
class _Scope:
    section: str
    first: int
    x0: float
    y0: float
    line: int
    full: bool


def _match_line(lex: Lexicon, text: str, toks: list[Token], line: Line) -> list[Label]:
    """Greedy longest-first lexicon matches on one line, with their delimiters."""
    out: list[Label] = []
    i = line.first
    while i < line.last:
        found = None
        for n in range(min(lex.max_words, line.last - i), 0, -1):
            j = i + n
            if toks[j - 1].seg != toks[i].seg:
                continue
            if any(toks[k].text.endswith(":") for k in range(i, j - 1)):
                continue
            s, e = toks[i].start, toks[j - 1].end
            if e - s > 48:
                continue
            m = lex.lookup(text[s:e])
            if m is not None and m.score < 1.0 and any(c.isdigit() for c in toks[j - 1].text):
                continue  # "Phone +1" is not a misread "Phone #": fuzzy labels end in words
            if m is not None and m.score >= 0.8:
                found = (j, m)
                break
        if found is None:
            i += 1
            continue
        j, m = found
        seg_start = i == line.first or toks[i - 1].seg != toks[i].seg
        seg_end = j == line.last or toks[j].seg != toks[j - 1].seg
        lone = j < line.last and toks[j].text in _COLONS and toks[j].x0 - toks[j - 1].x1 < 0.06
        colon = (
            toks[j - 1].text[-1] == ":"
            or (toks[j - 1].text[-1] == ";" and seg_start)  # OCR ":" → ";", not a prose ";"
            or lone
            or (j < line.last and toks[j].text.startswith(":") and toks[j].seg == toks[i].seg)
        )
        delim = "colon" if colon else ("gap" if seg_start and seg_end else "none")
        after = j + 1 if lone else j
        whole = seg_start and (after == line.last or toks[after].seg != toks[after - 1].seg)
        e = toks[j - 1].end - (1 if toks[j - 1].text[-1] in _COLONS else 0)
        s = toks[i].start
        out.append(Label(None, m.entry, text[s:e], s, e, i, j, m.score, delim, whole))
        i = j
    return _merge_qualifiers(out, text)


def _merge_qualifiers(raw: list[Label], text: str) -> list[Label]:
    """Join "Referring Provider" + "Phone:" into one label scoped to its qualifier's section."""
    out: list[Label] = []
    for lab in raw:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.delim == "none"
            and prev.entry.section
            and prev.last == lab.first
            and lab.entry.generic
        ):
            out[-1] = Label(
                None,
                lab.entry,
                text[prev.start : lab.end],
                prev.start,
                lab.end,
                prev.first,
                lab.last,
                min(prev.score, lab.score),
                lab.delim,
                prev.whole and lab.whole,
                section=prev.entry.section,
            )
            continue
        out.append(lab)
    return out


class Layout(ValueFinder):
    """The analysed page: tokens, lines, accepted labels and section scopes."""

    def __init__(self, page: Page, lex: Lexicon) -> None:
        """Analyse ``page`` against ``lex`` (the lexicon is a parameter so tests can swap it)."""
        self.text = page.text()
        self.lex = lex
        self.tokens, self.lines = read_lines(page)
        self._starts = [t.start for t in self.tokens]
        raw = [lab for line in self.lines for lab in _match_line(lex, self.text, self.tokens, line)]
        self.letterhead_bottom = _letterhead_bottom(self.tokens, raw)
        self.strong = {lab.first for lab in raw if lab.delim != "none"}  # refined below
        self._raw = raw
        self.scopes = self._scopes(raw)
        self.labels = self._resolve(lex, raw)
        self.strong = {lab.first for lab in self.labels if lab.header or lab.delim != "none"}
        self.owned = {self._after(lab) for lab in self.labels if lab.key and lab.delim != "none"}

    # --- sections -------------------------------------------------------------------------
    def _scopes(self, raw: list[Label]) -> list[_Scope]:
        full, openers = [], []
        for lab in raw:
            sec = lab.entry.section
            if not sec or lab.score < 0.85:
                continue
            t = self.tokens[lab.first]
            if self._is_header(lab):
                full.append(_Scope(sec, lab.first, t.x0, t.y0, t.line, full=True))
            elif lab.delim != "none" and (lab.entry.key or lab.entry.header):
                openers.append(_Scope(sec, lab.first, t.x0, t.y0, t.line, full=False))
        out = list(full)
        out.extend(openers)
        return out

    def _after(self, lab: Label) -> int:
        """Index of the token after a label and its colon (its value's start), -1 at line end."""
        line = self.lines[self.tokens[lab.first].line]
        k = lab.last
        while k < line.last and self.tokens[k].text in _COLONS:
            k += 1
        return k if k < line.last else -1

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
        while k < line.last and self.tokens[k].text in _COLONS:
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

    def _scope_for(self, first: int, generic: str | None = None) -> _Scope | None:
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
        if not cands:
            return None
        top = max(sc.y0 for sc in cands)
        near = [sc for sc in cands if sc.y0 >= top - 0.012]
        return max(near, key=lambda sc: (sc.x0, sc.first))

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
                    out.append(_with(lab, None, lab.score, ent.section, header=True))
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
                or (lab.delim == "gap" and lab.score >= 0.9 and wlen >= 2)
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
            out.append(_with(lab, key, lab.score * factor, own, header=header))
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


def _letterhead_bottom(toks: list[Token], raw: list[Label]) -> float:
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


def _with(lab: Label, key: str | None, score: float, section: str | None, *, header: bool) -> Label:
    return Label(
        key,
        lab.entry,
        lab.text,
        lab.start,
        lab.end,
        lab.first,
        lab.last,
        round(score, 3),
        lab.delim,
        lab.whole,
        section,
        header,
    )


def build_layout(page: Page, lexicon: Lexicon | None = None) -> Layout:
    """Analyse ``page`` with the default (or a given) label lexicon."""
    return Layout(page, lexicon or load_lexicon())
