"""Second readings of a doubtful value, voted, and the confidence the result deserves.

A value read by OCR that fails its validator (an NPI failing Luhn, an identifier whose
characters Tesseract was unsure of) is read again from its crop (``extractors.crop_reread``)
and the readings vote with the first one. What comes out is calibrated, not hopeful: a value
the readings agree on keeps its confidence; a value they change, or cannot agree on, is
capped below the review threshold (``DOUBT_CAP``), so a truncated ID never looks trusted.

A Tesseract call costs ~0.1 s before it reads a pixel, so second readings are not made one
by one: components *request* them (``add_checked``, ``reread_unparsed``, ``request``) and
``resolve`` reads every crop of the page in one batched call once all components ran
(``extractors.nlp.make_doc`` calls it), then settles each candidate.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from extractors.fields.base import add_candidate, page_of, update_candidate
from extractors.fields.layout import ocr_confidence
from models.vocab import TextSource

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from models.document import Page
    from models.geometry import Box
    from models.vocab import FieldName

log = logging.getLogger(__name__)

#: Mean OCR word confidence under which an identifier is doubtful and read again.
DOUBTFUL_OCR = 0.85
#: Confidence ceiling of a value the second readings changed or could not confirm (below the
#: default low-confidence threshold of 0.6, so the reviewer is asked).
DOUBT_CAP = 0.55
DIGITS = "0123456789"
_CUT_SHORT = re.compile(r" ?[|!/\\lI]? ?\d")
ID_CHARS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"
#: Most characters a second reading may add to a value (digits the page OCR lost).
MAX_RESTORED = 3
#: ``doc.user_data`` key of the page's pending requests.
_PENDING = "pending_rereads"


@dataclass(frozen=True)
class _Request:
    box: Box
    whitelist: str
    done: Callable[[list[str]], None]  # called with the texts of the second readings


def can_reread(page: Page) -> bool:
    """True for an OCR page whose image was saved (a text layer needs no second reading)."""
    return page.text_source == TextSource.OCR and bool(page.image_path)


def request(
    doc: Doc, start: int, end: int, whitelist: str, done: Callable[[list[str]], None]
) -> bool:
    """Ask for second readings of ``doc.text[start:end]``; ``done(texts)`` gets them later.

    Returns:
        False (and ``done`` is never called) when the page cannot be read again.
    """
    page = page_of(doc)
    box = page.box_for(start, end) if page is not None and can_reread(page) else None
    if box is None:
        return False
    doc.user_data.setdefault(_PENDING, []).append(_Request(box, whitelist, done))
    return True


def resolve(*docs: Doc) -> None:
    """Read every crop the pages of ``docs`` asked for, batched, and settle each value.

    One Tesseract call per whitelist for all the pages together (the pages of one fax). A
    failed second reading never loses the first: its requests are settled with no texts.
    """
    pending: list[tuple[str, _Request]] = []
    for doc in docs:
        page = page_of(doc)
        for req in doc.user_data.pop(_PENDING, []):
            if page is not None and page.image_path:
                pending.append((str(page.image_path), req))
    if not pending:
        return
    from extractors.crop_reread import reread_crops

    try:
        texts = reread_crops([(path, r.box, r.whitelist) for path, r in pending])
    except Exception as exc:  # a second opinion must never lose the first
        log.warning("crop re-read failed (%s)", type(exc).__name__)
        texts = [[] for _ in pending]
    for (_path, req), found in zip(pending, texts, strict=True):
        req.done([t for t, _c in found])


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


def plausible(first: str, reading: str) -> bool:
    """True when ``reading`` may stand for the value read first as ``first``.

    A second reading fixes characters or restores a few lost digits; its crop reaches to the
    right of the value (for those digits), so a reading that grew by letters took in the
    next word ("F8918262028" → "F8918262028Thank") and is not a reading of the value.
    """
    extra = len(reading) - len(first)
    if extra <= 0:
        return True
    letters = sum(c.isalpha() for c in reading) - sum(c.isalpha() for c in first)
    return extra <= MAX_RESTORED and letters <= 0


def judge(value: str, confidence: float, others: list[str]) -> tuple[str, float, tuple[str, ...]]:
    """``(value, confidence, notes)`` after the vote of ``value`` with its parsed re-readings.

    Confirmed by a majority: unchanged. Changed by a majority: the majority's value, at most
    ``DOUBT_CAP``. No majority, or nothing to vote with: the first value, at most ``DOUBT_CAP``.
    """
    winner, votes, voters = vote(value, others)
    if winner is None or voters < 2:
        return value, min(confidence, DOUBT_CAP), ("ocr_unconfirmed",)
    if winner == value and votes * 2 > voters:
        return value, confidence, ("ocr_reread_confirmed",)
    if votes * 2 > voters:
        return winner, min(confidence, DOUBT_CAP), ("ocr_reread_changed",)
    return value, min(confidence, DOUBT_CAP), ("ocr_unconfirmed",)


def doubtful(page: Page, start: int, end: int) -> bool:
    """True for an OCR value worth a second reading.

    Doubt is a low OCR confidence, or digits right after the value behind a speck
    ("FGT256424 | 32": a "1" read as "|" cut the ID short).
    """
    if not can_reread(page):
        return False
    cut = _CUT_SHORT.match(page.text(), end) is not None
    return cut or ocr_confidence(page, start, end) < DOUBTFUL_OCR


def add_checked(
    doc: Doc,
    start: int,
    end: int,
    name: FieldName,
    value: str,
    confidence: float,
    extractor: str,
    parse: Callable[[str], str | None],
    whitelist: str = ID_CHARS,
    notes: tuple[str, ...] = (),
) -> Span | None:
    """``add_candidate`` for an identifier, a date or a phone, re-read when OCR doubted it.

    The candidate is added at once as read; when it is ``doubtful`` its crop is requested and,
    at ``resolve``, the vote (``judge``) may change its value, cap its confidence and adds a
    note.
    """
    span = add_candidate(doc, start, end, name, value, confidence, extractor, notes)
    page = page_of(doc)
    if span is None or page is None or not doubtful(page, start, end):
        return span

    def done(texts: list[str]) -> None:
        parsed = (parse(t) for t in texts)
        others = [v for v in parsed if v is not None and plausible(value, v)]
        new, conf, more = judge(value, confidence, others)
        update_candidate(span, value=new, confidence=conf, notes=(*notes, *more))

    request(doc, start, end, whitelist, done)
    return span


def reread_unparsed(
    doc: Doc,
    start: int,
    end: int,
    parse: Callable[[str], str | None],
    whitelist: str,
    found: Callable[[str, float], Any],
) -> bool:
    """Ask for second readings of a labelled value nothing could parse.

    At ``resolve``, ``found(value, confidence)`` is called if the readings parse: two agreeing
    give a fair confidence (0.75); one alone stays below the review threshold. Only values
    with some digits are tried (a date or an ID, not a word).

    Returns:
        True when the readings were requested.
    """
    if sum(c.isdigit() for c in doc.text[start:end]) < 2:
        return False

    def done(texts: list[str]) -> None:
        value, votes, _ = vote(None, [v for v in (parse(t) for t in texts) if v is not None])
        if value is not None:
            found(value, 0.75 if votes >= 2 else DOUBT_CAP)

    return request(doc, start, end, whitelist, done)
