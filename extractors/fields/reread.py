"""Second readings of a doubtful value, voted, and the confidence the result deserves.

A value read by OCR that fails its validator (an NPI failing Luhn, an identifier whose
characters Tesseract was unsure of) is read again from its crop (``extractors.crop_reread``)
and the readings vote with the first one. What comes out is calibrated, not hopeful: a value
the readings agree on keeps its confidence; a value they change, or cannot agree on, is
capped below the review threshold (``DOUBT_CAP``), so a truncated ID never looks trusted.
Only doubtful values are re-read, which keeps the fax overhead over raw Tesseract small.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from extractors.fields.layout import ocr_confidence
from models.vocab import TextSource

if TYPE_CHECKING:
    from models.document import Page

log = logging.getLogger(__name__)

#: Mean OCR word confidence under which an identifier is doubtful and read again.
DOUBTFUL_OCR = 0.85
#: Confidence ceiling of a value the second readings changed or could not confirm (below the
#: default low-confidence threshold of 0.6, so the reviewer is asked).
DOUBT_CAP = 0.55
DIGITS = "0123456789"
_CUT_SHORT = re.compile(r" ?[|!/\\lI]? ?\d")
ID_CHARS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"


def can_reread(page: Page) -> bool:
    """True for an OCR page whose image was saved (a text layer needs no second reading)."""
    return page.text_source == TextSource.OCR and bool(page.image_path)


def readings(
    page: Page,
    start: int,
    end: int,
    parse: Callable[[str], str | None],
    whitelist: str,
    variants: slice = slice(None),
) -> list[str]:
    """Parsed values of the second readings of ``[start, end)`` (unparseable ones dropped).

    ``variants`` picks which of ``crop_reread.VARIANTS`` to read (each is a Tesseract call).
    """
    box = page.box_for(start, end)
    if box is None or not can_reread(page):
        return []
    from extractors.crop_reread import VARIANTS, reread_crop

    try:
        texts = reread_crop(
            str(page.image_path), box, whitelist=whitelist, variants=VARIANTS[variants]
        )
    except Exception as exc:  # a second opinion must never lose the first
        log.warning("crop re-read failed (%s)", type(exc).__name__)
        return []
    return [v for v in (parse(t) for t, _c in texts) if v is not None]


def vote(first: str | None, others: list[str]) -> tuple[str | None, int, int]:
    """Majority value among ``first`` and ``others``: ``(value, votes, voters)``.

    Ties go to the first reading (the whole-page OCR had the most context).
    """
    pool = ([first] if first is not None else []) + others
    if not pool:
        return None, 0, 0
    counts = Counter(pool)
    top = max(counts.values())
    winner = first if first is not None and counts[first] == top else counts.most_common(1)[0][0]
    return winner, counts[winner], len(pool)


def checked_value(
    page: Page,
    start: int,
    end: int,
    value: str,
    confidence: float,
    parse: Callable[[str], str | None],
    whitelist: str = ID_CHARS,
) -> tuple[str, float, tuple[str, ...]]:
    """``(value, confidence, notes)`` for an identifier or a date, re-read when OCR doubted it.

    Doubt is a low OCR confidence, or digits right after the value behind a speck
    ("FGT256424 | 32": a "1" read as "|" cut the ID short). Confirmed by a majority of
    readings: unchanged. Changed by a majority: the majority's value, at most ``DOUBT_CAP``.
    No majority: the first value, at most ``DOUBT_CAP``.
    """
    cut = _CUT_SHORT.match(page.text(), end) is not None
    if not can_reread(page) or (ocr_confidence(page, start, end) >= DOUBTFUL_OCR and not cut):
        return value, confidence, ()
    others = readings(page, start, end, parse, whitelist, slice(0, 1))
    if others != [value]:  # the first second reading did not simply confirm: one more
        others += readings(page, start, end, parse, whitelist, slice(1, None))
    winner, votes, voters = vote(value, others)
    if winner is None or voters < 2:
        return value, min(confidence, DOUBT_CAP), ("ocr_unconfirmed",)
    if winner == value and votes * 2 > voters:
        return value, confidence, ("ocr_reread_confirmed",)
    if votes * 2 > voters:
        return winner, min(confidence, DOUBT_CAP), ("ocr_reread_changed",)
    return value, min(confidence, DOUBT_CAP), ("ocr_unconfirmed",)


def reread_unparsed(
    page: Page, start: int, end: int, parse: Callable[[str], str | None], whitelist: str
) -> tuple[str, float] | None:
    """``(value, confidence)`` from second readings of a labelled value nothing could parse.

    Two readings agreeing give a fair confidence (0.75); one alone stays below the review
    threshold. Only values with some digits are tried (a date or an ID, not a word).
    """
    if not can_reread(page) or sum(c.isdigit() for c in page.text()[start:end]) < 2:
        return None
    value, votes, _ = vote(None, readings(page, start, end, parse, whitelist))
    if value is None:
        return None
    return value, 0.75 if votes >= 2 else DOUBT_CAP
