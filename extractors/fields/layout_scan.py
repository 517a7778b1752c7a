"""Reading a page's structure: tokens, lines, column gaps, labels and the sections scoping them.

This is the machinery behind ``layout.py``. Everything is derived from the words' boxes and
``(block, line)`` numbers, never from one vendor's template: a wide horizontal gap splits a
line into cells, a lexicon wording that fills its cell or ends in ":" is a label, and a header
("PATIENT INFORMATION", "From:") scopes the ambiguous labels below it in its column.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING

from extractors.fields.labels import Entry, Lexicon, load_lexicon, normalise

if TYPE_CHECKING:
    from models.document import Page

OPENER_REACH = 0.15  # page heights a "From: …" / "Patient: …" label scopes the lines below
LETTERHEAD_MAX = 0.25  # letterhead contact lines sit in the top quarter of a page
COLUMN_TOL = 0.02  # page widths of slack when aligning a value under its label
MAX_RIGHT_GAP = 0.35  # a value further right than this is another column's text
_COLONS = (":", ";")
# Generic labels that start a form (a letterhead prints contacts, not "Name:" or "Address:").
_FORM_GENERICS = {"name", "address", "city_state_zip", "id", "provider", "plan"}
_SEX_WORDS = {"m", "f", "x", "u", "male", "female", "unknown", "other", "nonbinary", "non-binary"}


@dataclass(frozen=True)
class Token:
    """A word, or the part of one either side of a ":" ("DOB:03/04/1961" is two tokens)."""

    text: str
    start: int
    end: int
    x0: float
    y0: float
    x1: float
    y1: float
    line: int
    seg: int


@dataclass(frozen=True)
class Line:
    """A text line: tokens ``[first, last)`` and its box."""

    first: int
    last: int
    x0: float
    y0: float
    x1: float
    y1: float


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
    same_line_only: bool = False


def _split_colon(text: str) -> list[tuple[int, str]]:
    """Split "DOB:03/04/1961" after the colon; leave "12:30" alone."""
    out: list[tuple[int, str]] = []
    off = 0
    while True:
        idx = text.find(":", off)
        if idx < 0 or idx == len(text) - 1 or not any(c.isalpha() for c in text[off:idx]):
            out.append((off, text[off:]))
            return out
        out.append((off, text[off : idx + 1]))
        off = idx + 1


def _cell_gap(page: Page) -> float:
    """Horizontal gap (page widths) that separates two cells rather than two words.

    A word space is 0.5–1.4 character widths depending on font and fax resolution, so the
    threshold adapts to the page: twice its typical word gap, and at least 1.8 characters.
    """
    words = page.words
    widths = [w.box.width / len(w.text) for w in words if len(w.text) >= 2 and w.box.width > 0]
    if not widths:
        return 0.02
    cw = median(widths)
    gaps = [
        b.box.x0 - a.box.x1
        for a, b in pairwise(words)
        if (a.block, a.line) == (b.block, b.line) and 0 < b.box.x0 - a.box.x1 < 3 * cw
    ]
    typical = median(gaps) if len(gaps) >= 5 else 0.6 * cw
    return max(1.8 * cw, 2.2 * typical, 0.006)


def _tokens(page: Page) -> tuple[list[Token], list[Line]]:
    words, spans = page.words, page.word_spans()
    gap = _cell_gap(page)
    toks: list[Token] = []
    lines: list[Line] = []
    prev_key: tuple[int, int] | None = None
    line_first = seg = 0
    for w, (s, _e) in zip(words, spans, strict=True):
        key = (w.block, w.line)
        if key != prev_key:
            if toks:
                lines.append(_line(toks, line_first))
            line_first, seg = len(toks), 0
        elif toks and w.box.x0 - toks[-1].x1 > gap:
            seg += 1
        prev_key = key
        n = max(len(w.text), 1)
        for off, piece in _split_colon(w.text):
            x0 = w.box.x0 + w.box.width * off / n
            x1 = w.box.x0 + w.box.width * (off + len(piece)) / n
            toks.append(
                Token(
                    piece,
                    s + off,
                    s + off + len(piece),
                    x0,
                    w.box.y0,
                    x1,
                    w.box.y1,
                    len(lines),
                    seg,
                )
            )
    if toks:
        lines.append(_line(toks, line_first))
    return toks, lines


def _line(toks: list[Token], first: int) -> Line:
    part = toks[first:]
    return Line(
        first,
        len(toks),
        min(t.x0 for t in part),
        min(t.y0 for t in part),
        max(t.x1 for t in part),
        max(t.y1 for t in part),
    )


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
            toks[j - 1].text[-1] in _COLONS
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


class Layout:
    """The analysed page: tokens, lines, accepted labels and section scopes."""

    def __init__(self, page: Page, lex: Lexicon) -> None:
        """Analyse ``page`` against ``lex`` (the lexicon is a parameter so tests can swap it)."""
        self.text = page.text()
        self.tokens, self.lines = _tokens(page)
        self._starts = [t.start for t in self.tokens]
        raw = [lab for line in self.lines for lab in _match_line(lex, self.text, self.tokens, line)]
        self.letterhead_bottom = _letterhead_bottom(self.tokens, raw)
        self.scopes = self._scopes(raw)
        self.labels = self._resolve(lex, raw)
        self.strong = {lab.first for lab in self.labels if lab.header or lab.delim != "none"}

    # --- sections -------------------------------------------------------------------------
    def _scopes(self, raw: list[Label]) -> list[_Scope]:
        full, openers = [], []
        for lab in raw:
            sec = lab.entry.section
            if not sec or lab.score < 0.85:
                continue
            t = self.tokens[lab.first]
            if lab.whole:
                full.append(_Scope(sec, lab.first, t.x0, t.y0, t.line, full=True))
            elif lab.delim == "colon" and (lab.entry.key or lab.entry.header):
                openers.append(_Scope(sec, lab.first, t.x0, t.y0, t.line, full=False))
        self.scopes = full
        out = list(full)
        for op in openers:
            enclosing = self.section_for(op.first, op.first)
            same = enclosing not in (None, "letterhead", op.section)
            out.append(
                _Scope(op.section, op.first, op.x0, op.y0, op.line, full=False, same_line_only=same)
            )
        return out

    def section_for(self, first: int, last: int) -> str | None:
        """The section whose header or opening label scopes tokens ``[first, last]``."""
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
                tok.y0 - sc.y0 > OPENER_REACH or (sc.same_line_only and not same_line)
            ):
                continue
            cands.append(sc)
        if not cands:
            return "letterhead" if tok.y0 < self.letterhead_bottom else None
        top = max(sc.y0 for sc in cands)
        near = [sc for sc in cands if sc.y0 >= top - 0.012]
        return max(near, key=lambda sc: (sc.x0, sc.first)).section

    def _resolve(self, lex: Lexicon, raw: list[Label]) -> list[Label]:
        out: list[Label] = []
        for lab in raw:
            ent = lab.entry
            pure_header = ent.header and ent.key is None and ent.generic is None
            if pure_header:
                if lab.whole or lab.delim == "colon":
                    out.append(_with(lab, None, lab.score, ent.section, header=True))
                continue
            section = lab.section or self.section_for(lab.first, lab.last - 1)
            key, factor = lex.resolve(ent, section)
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
                    and wlen >= 2
                    and self._inline_ok(lab, key)
                )
            )
            if not ok:
                continue
            own = ent.section if ent.key and ent.section else section
            header = bool(ent.section and lab.whole)
            out.append(_with(lab, key, lab.score * factor, own, header=header))
        return out

    def _inline_ok(self, lab: Label, key: str) -> bool:
        """A label in running text needs a value-looking word right after it.

        "DOB 03/04/1961" and "Sex F" are labels; "Main St" and "fax the records" are not.
        """
        line = self.lines[self.tokens[lab.first].line]
        nxt = [self.tokens[k].text for k in range(lab.last, min(lab.last + 3, line.last))]
        if not nxt:
            return False
        if key == "patient.sex":
            return nxt[0].strip(".,;").lower() in _SEX_WORDS
        return any(c.isdigit() for c in "".join(nxt)) or nxt[0][:1].isupper()

    # --- values ---------------------------------------------------------------------------
    def token_at(self, offset: int) -> int | None:
        """Index of the token at (or first after) character ``offset``."""
        if not self.tokens:
            return None
        k = max(bisect_right(self._starts, offset) - 1, 0)
        if self.tokens[k].end <= offset and k + 1 < len(self.tokens):
            k += 1
        return k

    def value_right(self, lab: Label) -> tuple[int, int, float] | None:
        """Value on the label's line: after ":"/gap up to the next label or column gap."""
        toks, line = self.tokens, self.lines[self.tokens[lab.first].line]
        k = lab.last
        while k < line.last and toks[k].text == ":":
            k += 1
        if k >= line.last:
            return self._right_across(lab)
        if k in self.strong:
            return None
        prev = toks[lab.last - 1]
        if toks[k].seg != prev.seg and toks[k].x0 - prev.x1 > MAX_RIGHT_GAP:
            return None
        seg, end = toks[k].seg, k
        limit = k + 8 if lab.delim == "none" else line.last
        while end < min(line.last, limit) and toks[end].seg == seg and end not in self.strong:
            end += 1
        return toks[k].start, toks[end - 1].end, 1.0

    def _right_across(self, lab: Label) -> tuple[int, int, float] | None:
        """Value in another Tesseract line at the same height, right of the label."""
        last = self.tokens[lab.last - 1]
        cy, h = (last.y0 + last.y1) / 2, last.y1 - last.y0
        best = None
        for line in self.lines:
            if (
                abs((line.y0 + line.y1) / 2 - cy) < 0.5 * h
                and 0 <= line.x0 - last.x1 <= MAX_RIGHT_GAP
            ) and (best is None or line.x0 < best.x0):
                best = line
        if best is None or best.first in self.strong:
            return None
        end = best.first
        seg = self.tokens[end].seg
        while end < best.last and self.tokens[end].seg == seg and end not in self.strong:
            end += 1
        return self.tokens[best.first].start, self.tokens[end - 1].end, 0.9

    def _right_bound(self, line: Line, after: int) -> float:
        for k in range(after, line.last):
            if k in self.strong:
                return self.tokens[k].x0
        return 1.0

    def value_below(self, lab: Label) -> tuple[int, int, float] | None:
        """Value in the nearest line under the label, within the label's column."""
        toks = self.tokens
        first, last = toks[lab.first], toks[lab.last - 1]
        h = max(last.y1 - last.y0, 0.005)
        left = first.x0 - COLUMN_TOL
        right = self._right_bound(self.lines[first.line], lab.last)
        span = self._column_line(last.y1, h, 2.5, left, right, exclude=first.line)
        if span is None:
            return None
        k, end, gap = span
        return toks[k].start, toks[end - 1].end, 0.9 if gap <= 1.2 * h else 0.8

    def _column_line(
        self, y: float, h: float, max_gap: float, left: float, right: float, exclude: int
    ) -> tuple[int, int, float] | None:
        """Tokens ``[k, end)`` of the nearest line below ``y`` inside ``[left, right)``."""
        best: tuple[float, int] | None = None
        for li, line in enumerate(self.lines):
            if li == exclude or line.y0 < y - 0.3 * h or line.y0 - y > max_gap * h:
                continue
            for k in range(line.first, line.last):
                t = self.tokens[k]
                if t.x1 > left and t.x0 < right and (t.x0 + t.x1) / 2 > left:
                    if best is None or line.y0 < best[0]:
                        best = (line.y0, k)
                    break
        if best is None or best[1] in self.strong:
            return None
        k = best[1]
        t0 = self.tokens[k]
        line = self.lines[t0.line]
        if k > line.first and self.tokens[k - 1].seg == t0.seg and self.tokens[k - 1].x1 > left:
            return None  # a full-width line of another column's text, not a cell value
        end = k
        while (
            end < line.last
            and self.tokens[end].seg == t0.seg
            and end not in self.strong
            and self.tokens[end].x0 < right
        ):
            end += 1
        return k, end, line.y0 - y

    def column_below(self, left_offset: int, start: int, max_lines: int) -> list[tuple[int, int]]:
        """Continuation lines under the text at ``start``, aligned with ``left_offset``."""
        a, b = self.token_at(left_offset), self.token_at(start)
        if a is None or b is None:
            return []
        tb = self.tokens[b]
        left = min(self.tokens[a].x0, tb.x0) - COLUMN_TOL
        line = self.lines[tb.line]
        seg_end = b
        while seg_end < line.last and self.tokens[seg_end].seg == tb.seg:
            seg_end += 1
        right = self.tokens[seg_end].x0 if seg_end < line.last else 1.0
        out: list[tuple[int, int]] = []
        y, h, exclude = tb.y1, max(tb.y1 - tb.y0, 0.005), tb.line
        for _ in range(max_lines):
            span = self._column_line(y, h, 1.0, left, right, exclude)
            if span is None:
                break
            k, end, _gap = span
            out.append((self.tokens[k].start, self.tokens[end - 1].end))
            y, exclude = self.tokens[k].y1, self.tokens[k].line
        return out


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
