"""Which of a row of checkboxes is ticked, from the page image's pixels.

A text layer says nothing about a box drawn as vector graphics, and fax OCR often reads a
ticked and an empty box alike ("[J Routine J Urgent"). The pixels do not lie: inside its
border, an empty box is white and a ticked one is not. So the ink inside the box just before
each option word is compared across the row; one box clearly darker inside than every other
is the ticked one, anything less clear decides nothing.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import cv2
import numpy as np

from models.document import Page
from models.geometry import Box

log = logging.getLogger(__name__)

#: The ticked box's inside must hold this share of ink ...
MIN_INK = 0.12
#: ... and this many times the ink inside any other box of the row.
MIN_RATIO = 3.0
_DARK = 128
_INNER = 0.25  # share of the box trimmed on each side: the border is not the mark


@lru_cache(maxsize=4)
def _gray(path: str) -> np.ndarray | None:
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        log.warning("page image unreadable; checkbox pixels not used")
    return image


def _region_before(word: Box, gray: np.ndarray) -> np.ndarray:
    """Ink mask of the area just left of a word, where its checkbox would be drawn."""
    height, width = gray.shape
    x0, y0, _x1, y1 = word.to_pixels(width=width, height=height)
    h = max(4, y1 - y0)
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


def ink_before(page: Page, words: list[Box]) -> list[float] | None:
    """Ink inside the box before each word, or ``None`` without a readable page image."""
    if not page.image_path or not words:
        return None
    gray = _gray(page.image_path)
    if gray is None:
        return None
    return [inner_ink(_region_before(word, gray)) for word in words]


def ticked(page: Page, words: list[Box]) -> int | None:
    """Index of the one clearly ticked box among the words' boxes, else ``None``."""
    shares = ink_before(page, words)
    if shares is None or len(shares) < 2:
        return None
    order = sorted(range(len(shares)), key=shares.__getitem__, reverse=True)
    best, second = shares[order[0]], shares[order[1]]
    if best >= MIN_INK and best >= MIN_RATIO * second:
        return order[0]
    return None
