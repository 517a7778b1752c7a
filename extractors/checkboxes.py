"""Which option of a group is marked, from the page image's pixels.

A text layer says nothing about a box drawn as vector graphics, and fax OCR often reads a
ticked and an empty box alike ("[J Routine J Urgent"). The pixels do not lie: inside its
border, an empty box is white and a ticked one is not; a circled option has ink just above
and below its word where no other option has any. So the same measurement is taken for every
option of a group and compared with its neighbours: one option clearly darker than every other
is the marked one, a thin margin is a doubtful answer, anything less clear decides nothing.
This is the one pixel reader for every option group (urgency, specialty lists, sex, ...).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.imaging import saved_page_gray
from models.document import Page
from models.geometry import Box

log = logging.getLogger(__name__)

#: The marked option's measure must reach this ink share ...
MIN_INK = 0.25
#: ... and this many times the measure of every other option: a clear answer ...
MIN_RATIO = 3.0
#: ... while this much is a doubtful one (taken, with a low confidence).
THIN_RATIO = 1.8
MIN_RING_INK = 0.06
#: Share of a group's options that must show ink on one side for boxes to be looked for there.
BOXED_SHARE = 0.75
_DARK = 128
_PAPER_SHARE = 0.72  # ink is darker than this share of the paper's grey level
_INNER = 0.25  # share of the box trimmed on each side: the border is not the mark
_SIDE = 0.7  # share of a box's height (width) its side lines cover, at fax resolution too


@dataclass(frozen=True)
class PixelPick:
    """The option the pixels point to, how clearly, and which measurement said so."""

    index: int
    confidence: float
    how: str  # box_before | box_after | circled


def _dark(gray: np.ndarray) -> float:
    """Grey level below which a pixel is ink on this page.

    A fax is black and white, but a scan's thin box borders come out light grey (blurred,
    150 dpi): anything clearly darker than the page's paper counts, never less than
    :data:`_DARK`. Computed once per page image (the last one is kept).
    """
    if _LAST and _LAST[0] is gray:
        return _LAST[1]
    paper = float(np.percentile(gray[::7, ::7], 90))
    found = max(float(_DARK), _PAPER_SHARE * paper)
    _LAST[:] = [gray, found]
    return found


_LAST: list = []


def _box_ink(word: Box, gray: np.ndarray, *, after: bool) -> float | None:
    """Inner ink of the box drawn next to a word, ``None`` when there is no box-like shape.

    OCR word boxes sometimes swallow the checkbox in front of the word ("■ Rheumatology" read
    as one word starting at the box), so the search band reaches into the word's first
    letters; the box is the outermost square-ish blob of about a letter's height in the band.
    """
    height, width = gray.shape
    x0, y0, x1, y1 = word.to_pixels(width=width, height=height)
    h = max(4, y1 - y0)
    if after:
        left, right = max(0, x1 - h), min(width, x1 + 5 * h // 2)
    else:
        left, right = max(0, x0 - 5 * h // 2), min(width, x0 + h)
    top, bottom = max(0, y0 - h // 3), min(height, y1 + h // 3)
    mask = gray[top:bottom, left:right] < _dark(gray)
    if not mask.any():
        return None
    boxes = _box_shapes(mask, h) or _box_shapes(_straight_lines(mask, h), h, tighten=True)
    if not boxes:
        return None
    x, y, w, hh = max(boxes, key=lambda b: b[0]) if after else min(boxes, key=lambda b: b[0])
    inner = inner_ink(mask[y : y + hh, x : x + w])
    return max(inner, _beside_ink(gray, left + x, top + y, w, hh, after=after))


def _box_shapes(
    mask: np.ndarray, h: int, *, tighten: bool = False
) -> list[tuple[int, int, int, int]]:
    """Square-ish blobs of about a letter's height (``h``) drawn as boxes: ``(x, y, w, h)``.

    With ``tighten`` a blob is first cut to the rectangle its long rows and columns span (a
    box's sides), dropping the ends of strokes that cross them.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    out = []
    for i in range(1, count):
        x, y, w, hh = (int(v) for v in stats[i][:4])
        if tighten:
            blob = labels[y : y + hh, x : x + w] == i
            rows = np.nonzero(blob.mean(axis=1) >= _SIDE * 0.8)[0]
            if len(rows) < 2:
                continue
            sides = blob[rows[0] : rows[-1] + 1]
            cols = np.nonzero(sides.mean(axis=0) >= _SIDE * 0.8)[0]
            if len(cols) < 2:
                continue
            x, y, w, hh = x + cols[0], y + rows[0], cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1
        if (
            0.45 * h <= hh <= 1.6 * h
            and 0.45 * h <= w <= 1.6 * h
            and 0.6 <= w / hh <= 1.6
            and is_box_shape(mask[y : y + hh, x : x + w])
        ):
            out.append((int(x), int(y), int(w), int(hh)))
    return out


def _straight_lines(mask: np.ndarray, h: int) -> np.ndarray:
    """Only the horizontal and vertical strokes of ``mask``: a box whose X or tick overshoots
    its border ("big X") is one blob too large to be a box, but its four sides remain."""
    k = max(3, round(0.6 * h))
    ink = mask.astype(np.uint8)
    rows = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    cols = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return (rows | cols).astype(bool)


def _beside_ink(gray: np.ndarray, x: int, y: int, w: int, hh: int, *, after: bool) -> float:
    """An X or tick written just outside a box, on the side away from its word: the share of
    the columns of a box-sized square there that hold ink (a thin stroke counts whole)."""
    gap = max(1, w // 6)
    if after:
        region = gray[y : y + hh, x + w + gap : x + 2 * w + gap] < _dark(gray)
    else:
        region = gray[y : y + hh, max(0, x - w - gap) : max(0, x - gap)] < _dark(gray)
    return float(region.any(axis=0).mean()) if region.size else 0.0


def is_box_shape(mask: np.ndarray) -> bool:
    """True when the ink is drawn as a box: four straight sides, whatever is inside.

    Letters are square-ish blobs too ("e", "T", "N" beside an option) and have ink inside;
    only a box has a long ink line near each of its four edges. A tick may overshoot the box,
    so each side is looked for in the outer third of the blob, not on its very border.
    """
    height, width = mask.shape
    if height < 4 or width < 4:
        return False
    cols = mask.mean(axis=0)
    rows = mask.mean(axis=1)
    third_w, third_h = max(1, width // 3), max(1, height // 3)
    return bool(
        cols[:third_w].max() >= _SIDE
        and cols[-third_w:].max() >= _SIDE
        and rows[:third_h].max() >= _SIDE
        and rows[-third_h:].max() >= _SIDE
    )


def inner_ink(mask: np.ndarray) -> float:
    """Ink share inside the bounding box of the ink in ``mask``, its border trimmed off."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return 0.0
    bx0, bx1, by0, by1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    dx, dy = round((bx1 - bx0) * _INNER), round((by1 - by0) * _INNER)
    inner = mask[by0 + dy : by1 - dy, bx0 + dx : bx1 - dx]
    return float(inner.mean()) if inner.size else 0.0


def _ring_ink(word: Box, gray: np.ndarray) -> float:
    """Ink in thin strips just above and below a word: a circle or underline drawn round it."""
    height, width = gray.shape
    x0, y0, x1, y1 = word.to_pixels(width=width, height=height)
    h = max(4, y1 - y0)
    pad = max(2, round(0.4 * h))
    left, right = max(0, x0 + (x1 - x0) // 4), min(width, x1 - (x1 - x0) // 4)
    above = gray[max(0, y0 - pad) : max(0, y0 - 1), left:right] < _dark(gray)
    below = gray[min(height, y1 + 1) : min(height, y1 + pad), left:right] < _dark(gray)
    rows = [float(m.any(axis=1).mean()) for m in (above, below) if m.size]
    if len(rows) < 2:
        return 0.0
    # a circle also closes in left and right of the word; descenders of the line above and
    # ascenders of the line below (an underline, a neighbour's circle) do not
    west = gray[y0:y1, max(0, x0 - pad) : max(0, x0 - 1)] < _dark(gray)
    east = gray[y0:y1, min(width, x1 + 1) : min(width, x1 + pad)] < _dark(gray)
    if not (west.size and east.size and west.any() and east.any()):
        return 0.0
    return min(rows)


def _page_gray(page: Page) -> np.ndarray | None:
    if not page.image_path:
        return None
    gray = saved_page_gray(page.image_path)
    if gray is None:
        log.warning("page image missing or unreadable; checkbox pixels not used")
    return gray


def _pick(shares: list[float], floor: float) -> tuple[int, float] | None:
    """Index of the one share that stands out from all others, with a confidence."""
    if len(shares) < 2:
        return None
    order = sorted(range(len(shares)), key=shares.__getitem__, reverse=True)
    best, second = shares[order[0]], shares[order[1]]
    if best < floor:
        return None
    if best >= MIN_RATIO * second:
        return order[0], 0.9
    if best >= THIN_RATIO * second:
        return order[0], 0.55  # thin margin: an answer for the reviewer to confirm
    return None


def marked_by_pixels(page: Page, words: list[Box]) -> PixelPick | None:
    """The option (by the box of its first word) whose mark stands out on the page image.

    Boxes before the words are tried first (the common layout), then boxes after them, then a
    circle round the word; the first measurement with a clear winner answers.
    """
    gray = _page_gray(page)
    if gray is None or len(words) < 2:
        return None
    thin: PixelPick | None = None
    boxed_before = False
    for how in ("box_before", "box_after", "circled"):
        if how == "circled":
            shares, floor = [_ring_ink(w, gray) for w in words], MIN_RING_INK
        else:
            if how == "box_after" and boxed_before:
                continue  # boxes sit before the words: after a word is the next one's box
            found_boxes = [_box_ink(w, gray, after=how == "box_after") for w in words]
            if sum(b is not None for b in found_boxes) < BOXED_SHARE * len(found_boxes):
                continue  # no box drawn on this side of most options: not where boxes are
            boxed_before = how == "box_before"
            shares, floor = [b or 0.0 for b in found_boxes], MIN_INK
        found = _pick(shares, floor)
        if found is None:
            continue
        pick = PixelPick(found[0], found[1], how)
        if pick.confidence >= 0.9:
            return pick
        thin = thin or pick
    return thin


def all_empty(page: Page, words: list[Box]) -> bool:
    """True when the image shows an empty box beside every option and no option circled.

    Then a tick that OCR read into the text ("MM", "&") or guessed by elimination is not on
    any of these options: the marked one, if any, is an option OCR did not read.
    """
    gray = _page_gray(page)
    if gray is None or len(words) < 2:
        return False
    if max(_ring_ink(w, gray) for w in words) >= MIN_RING_INK:
        return False
    for after in (False, True):
        found = [_box_ink(w, gray, after=after) for w in words]
        if all(b is not None for b in found):
            return max(b or 0.0 for b in found) < MIN_INK / 2
    return False


def ticked(page: Page, words: list[Box]) -> int | None:
    """Index of the one clearly ticked box among the words' boxes, else ``None``."""
    pick = marked_by_pixels(page, words)
    return pick.index if pick is not None and pick.confidence >= 0.9 else None
