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
from functools import lru_cache

import cv2
import numpy as np

from models.document import Page
from models.geometry import Box

log = logging.getLogger(__name__)

#: The marked option's measure must reach this ink share ...
MIN_INK = 0.12
#: ... and this many times the measure of every other option: a clear answer ...
MIN_RATIO = 3.0
#: ... while this much is a doubtful one (taken, with a low confidence).
THIN_RATIO = 1.8
MIN_RING_INK = 0.06
_DARK = 128
_INNER = 0.25  # share of the box trimmed on each side: the border is not the mark


@dataclass(frozen=True)
class PixelPick:
    """The option the pixels point to, how clearly, and which measurement said so."""

    index: int
    confidence: float
    how: str  # box_before | box_after | circled


@lru_cache(maxsize=4)
def _gray(path: str) -> np.ndarray | None:
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        log.warning("page image unreadable; checkbox pixels not used")
    return image


def _box_region(word: Box, gray: np.ndarray, *, after: bool) -> np.ndarray:
    """Ink mask of the area just left (or right) of a word, where its box would be drawn."""
    height, width = gray.shape
    x0, y0, x1, y1 = word.to_pixels(width=width, height=height)
    h = max(4, y1 - y0)
    if after:
        left, right = min(width, x1 + 1), min(width, x1 + 2 * h)
    else:
        left, right = max(0, x0 - 2 * h), max(0, x0 - 1)
    top, bottom = max(0, y0 - h // 3), min(height, y1 + h // 3)
    return gray[top:bottom, left:right] < _DARK


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
    above = gray[max(0, y0 - pad) : max(0, y0 - 1), left:right] < _DARK
    below = gray[min(height, y1 + 1) : min(height, y1 + pad), left:right] < _DARK
    rows = [float(m.any(axis=1).mean()) for m in (above, below) if m.size]
    return min(rows) if len(rows) == 2 else 0.0


def _page_gray(page: Page) -> np.ndarray | None:
    if not page.image_path:
        return None
    return _gray(page.image_path)


def ink_before(page: Page, words: list[Box]) -> list[float] | None:
    """Ink inside the box before each word, or ``None`` without a readable page image."""
    gray = _page_gray(page)
    if gray is None or not words:
        return None
    return [inner_ink(_box_region(word, gray, after=False)) for word in words]


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
    measures = (
        ("box_before", lambda w: inner_ink(_box_region(w, gray, after=False)), MIN_INK),
        ("box_after", lambda w: inner_ink(_box_region(w, gray, after=True)), MIN_INK),
        ("circled", lambda w: _ring_ink(w, gray), MIN_RING_INK),
    )
    for how, measure, floor in measures:
        found = _pick([measure(w) for w in words], floor)
        if found is None:
            continue
        pick = PixelPick(found[0], found[1], how)
        if pick.confidence >= 0.9:
            return pick
        thin = thin or pick
    return thin


def ticked(page: Page, words: list[Box]) -> int | None:
    """Index of the one clearly ticked box among the words' boxes, else ``None``."""
    pick = marked_by_pixels(page, words)
    return pick.index if pick is not None and pick.confidence >= 0.9 else None
