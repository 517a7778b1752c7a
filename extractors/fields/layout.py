"""Label → value pairs on a page, found with the words' geometry.

Referral forms put a value to the right of its label ("DOB: 03/04/1961"), in the box below it
(label printed small in the corner of a cell), or in running text ("DOB 03/04/1961"). Which
field a label names can depend on where it stands: "Phone" under "Referring Provider" is the
referring office's phone. This module reads that structure once per page and answers with
character offsets into ``page.text()``, so every field component speaks the same coordinates
as ``Page.words_for`` and the review UI's boxes.

The public API is ``labelled_values``, ``find_labels``, ``section_of``, ``following_lines``,
``line_span``, ``first_valid`` and ``ocr_confidence``. The machinery: ``labels.py`` (lexicon,
fuzzy lookup), ``layout_lines.py`` (tokens, lines, cells), ``layout_labels.py`` (label
matches), ``layout_sections.py`` (headers, scopes, letterhead), ``layout_values.py`` (value
geometry) and ``layout_scan.py`` (the per-page analysis, cached here per Page object).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from extractors.fields.layout_lines import Line
from extractors.fields.layout_scan import Layout, build_layout

if TYPE_CHECKING:
    from models.document import Page

__all__ = [
    "FoundLabel",
    "LabelledValue",
    "find_labels",
    "first_valid",
    "following_lines",
    "labelled_values",
    "line_span",
    "ocr_confidence",
    "section_of",
]

T = TypeVar("T")
_STRIP_LEAD = " \t:;,_|-–=>/\\"
_STRIP_TRAIL = " \t:;,_|"
_POSITION_FACTOR = {"colon": 1.0, "gap": 0.95, "none": 0.75}
_CACHE: OrderedDict[int, tuple[Page, Layout]] = OrderedDict()


@dataclass(frozen=True)
class LabelledValue:
    """A value printed next to (or under) a label, with offsets into ``page.text()``.

    Attributes:
        label_key: lexicon key, e.g. ``"patient.dob"``, after section scoping.
        label_text: the label as found on the page.
        label_start: start offset of the label.
        label_end: end offset of the label.
        start: start offset of the value.
        end: end offset of the value.
        text: the value text (``page.text()[start:end]``).
        position: ``"right"`` (same line), ``"below"`` (box/line under the label) or
            ``"inline"`` (running text, no ":" after the label).
        score: 0–1, label match quality × geometry × scoping certainty.
        section: the section that scoped the label ("patient", "referring", ...), if any.
        alternatives: other nearby cells ``(start, end, text)`` that may hold the value when
            a form's values are printed off the label's line (see ``options``).
        meaning: the label is not a lexicon wording but was matched to its field by meaning
            (``label_meaning``); ``score`` is lower accordingly.
    """

    label_key: str
    label_text: str
    label_start: int
    label_end: int
    start: int
    end: int
    text: str
    position: str
    score: float
    section: str | None = None
    alternatives: tuple[tuple[int, int, str], ...] = ()
    meaning: bool = False

    def options(self) -> list[tuple[int, int, str, float]]:
        """``(start, end, text, factor)`` to try in order: the value, then the alternatives.

        Components that can validate a value (a phone number, a date, an ID) fall back to an
        alternative when the value fails, at a lower factor (0.75).
        """
        return [(self.start, self.end, self.text, 1.0)] + [
            (s, e, txt, 0.75) for s, e, txt in self.alternatives
        ]


@dataclass(frozen=True)
class FoundLabel:
    """A label (or section header) found on the page, after scoping."""

    key: str | None
    text: str
    start: int
    end: int
    score: float
    section: str | None
    header: bool


def _layout(page: Page) -> Layout:
    """The page's analysed layout, built once per Page object (small LRU by identity)."""
    hit = _CACHE.get(id(page))
    if hit is not None and hit[0] is page:
        _CACHE.move_to_end(id(page))
        return hit[1]
    layout = build_layout(page)
    _CACHE[id(page)] = (page, layout)
    while len(_CACHE) > 16:
        _CACHE.popitem(last=False)
    return layout


def find_labels(page: Page) -> list[FoundLabel]:
    """Every accepted label and section header on ``page``, in reading order."""
    lay = _layout(page)
    return [
        FoundLabel(lab.key, lab.text, lab.start, lab.end, lab.score, lab.section, lab.header)
        for lab in lay.labels
    ]


def section_of(page: Page, offset: int) -> str | None:
    """Section ("patient", "insurance", "referring", "referred_to", "clinical") at ``offset``.

    For components reading prose: a phone number in the block under "Referring Provider" is
    the referring office's even without a "Phone:" label.
    """
    lay = _layout(page)
    tok = lay.token_at(offset)
    return None if tok is None else lay.section_for(tok, tok)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP_LEAD:
        start += 1
    while end > start and text[end - 1] in _STRIP_TRAIL:
        end -= 1
    return start, end


def labelled_values(page: Page, keys: Iterable[str] | None = None) -> list[LabelledValue]:
    """Label → value pairs on ``page``, optionally only for the given lexicon keys.

    Each accepted label yields at most one value: the text to its right on the same line (up to
    the next label or column gap), else the nearest text under it in its column. Labels with
    no value nearby yield nothing.

    Args:
        page: the page to read.
        keys: lexicon keys to return (e.g. ``{"patient.dob"}``); ``None`` for all.

    Returns:
        Values in reading order of their labels.
    """
    wanted = None if keys is None else set(keys)
    lay = _layout(page)
    text = page.text()
    out: list[LabelledValue] = []
    for lab in lay.labels:
        if lab.key is None or (lab.header and lab.delim == "none"):
            continue
        if wanted is not None and lab.key not in wanted:
            continue
        position = "right" if lab.delim != "none" else "inline"
        factor = _POSITION_FACTOR[lab.delim]
        span: tuple[int, int] | None = None
        right = lay.value_right(lab)
        if right is not None:
            s, e = _trimmed(text, right[0], right[1])
            if s < e:
                span, factor = (s, e), factor * right[2]
        if span is None and lab.delim != "none" and not lay.starts_cell(lab):
            wrapped = lay.value_wrapped(lab)  # "... Insurance:" ending a line of a letter
            if wrapped is not None:
                s, e = _trimmed(text, wrapped[0], wrapped[1])
                if s < e:
                    span, position, factor = (s, e), "inline", factor * wrapped[2]
        if span is None and lab.delim != "none":
            below = lay.value_below(lab)
            if below is not None:
                s, e = _trimmed(text, below[0], below[1])
                if s < e:
                    span, position, factor = (s, e), "below", factor * below[2]
        if span is None:
            wrapped = lay.value_wrapped(lab)
            if wrapped is not None:
                s, e = _trimmed(text, wrapped[0], wrapped[1])
                if s < e:
                    span, position, factor = (s, e), "inline", factor * wrapped[2]
        near = []
        for a, b in lay.nearby_values(lab) if lab.delim != "none" else []:
            a, b = _trimmed(text, a, b)
            if a < b and (span is None or (a, b) != span):
                near.append((a, b, text[a:b]))
        if span is None and near:
            a, b, _txt = near.pop(0)  # nothing beside or under it: the nearest offset cell
            span, position, factor = (a, b), "right", factor * 0.7
        if span is None:
            continue
        s, e = span
        out.append(
            LabelledValue(
                label_key=lab.key,
                label_text=lab.text,
                label_start=lab.start,
                label_end=lab.end,
                start=s,
                end=e,
                text=text[s:e],
                position=position,
                score=round(lab.score * factor, 3),
                section=lab.section,
                alternatives=tuple(near[:3]),
                meaning=lab.meaning,
            )
        )
    return out


def following_lines(page: Page, value: LabelledValue, max_lines: int = 3) -> list[tuple[int, int]]:
    """Character spans of the lines continuing ``value`` below it in the same column.

    A two-line address ("123 Main St" / "Springfield, IL 62704") or a reason for referral that
    wraps continues under the first line; this returns those continuation lines (clipped to the
    value's column, stopping at a label or a vertical gap) for the component to judge.
    """
    lay = _layout(page)
    text = page.text()
    out: list[tuple[int, int]] = []
    for s, e in lay.column_below(value.label_start, value.start, max_lines):
        s2, e2 = _trimmed(text, s, e)
        if s2 < e2:
            out.append((s2, e2))
    return out


def line_span(page: Page, offset: int) -> tuple[int, int] | None:
    """Character span of the text line holding ``offset``."""
    lay = _layout(page)
    tok = lay.token_at(offset)
    if tok is None:
        return None
    line: Line = lay.lines[lay.tokens[tok].line]
    return lay.tokens[line.first].start, lay.tokens[line.last - 1].end


def first_valid(
    value: LabelledValue, parse: Callable[[str], T | None]
) -> tuple[int, T, float] | None:
    """The first of ``value.options()`` that ``parse`` accepts: ``(offset, parsed, factor)``.

    ``offset`` is where the parsed text starts in ``page.text()``; ``factor`` is 1.0 for the
    value itself and lower for an alternative cell.
    """
    for start, _end, text, factor in value.options():
        parsed = parse(text)
        if parsed is not None:
            return start, parsed, factor
    return None


def ocr_confidence(page: Page, start: int, end: int) -> float:
    """Mean engine confidence of the words under ``[start, end)``; 1.0 when there are none."""
    words = page.words_for(start, end)
    if not words:
        return 1.0
    return sum(w.confidence for w in words) / len(words)
