"""Form ruling lines (box borders, rules, underlines) found and erased before OCR.

Referral forms print values in bordered boxes. Tesseract's page layout analysis takes a box
border touching or hugging a line of text for a separator or an image region and then often
drops the text inside it (name, date of birth, phone on a faxed form). Erasing the rules first
gives Tesseract plain text on white paper.

Only Tesseract's copy of the page is cleaned; the page image saved for reviewers keeps its
lines. A page without long lines is returned as is (the same array), so it costs only the
detection (a few ms on a fax page).

Detection is morphological on the binarised page, lengths relative to the page width (so
they are the same physical size at any resolution):

* horizontal lines: runs of ink at least ``H_MIN_WIDTH_SHARE`` of the page wide (an
  opening with a long thin kernel). Text never has such runs; underscores, signature lines
  and fax streaks do, and erasing them costs no words;
* vertical lines: strokes at least ``V_MIN_WIDTH_SHARE`` tall that either meet a horizontal
  line at both ends (box sides, table columns) or are very long on their own. Letters are as
  tall as a short box side, so a vertical stroke alone is not enough; a letter never runs
  from one rule to the next. Checkbox squares are too short to have horizontal lines, so they
  are kept (urgency and sex marks are read from them).
"""

from __future__ import annotations

import cv2
import numpy as np

from extractors import imaging

#: Shortest horizontal line, as a share of the page width (~0.42 in on Letter).
H_MIN_WIDTH_SHARE = 1 / 20
#: Shortest vertical stroke considered, as a share of the page width (~0.14 in on Letter).
V_MIN_WIDTH_SHARE = 1 / 60
#: A vertical line this tall (share of the page width, ~1.4 in) is erased even on its own.
V_ALONE_WIDTH_SHARE = 1 / 6
#: How far (share of the page width, ~0.03 in) a vertical stroke's end may be from a rule.
_END_REACH_SHARE = 1 / 300


def _small_ink(gray: np.ndarray) -> tuple[np.ndarray, int]:
    """Ink mask (255 = ink) of a whole-number downscale of ``gray``, and the factor.

    The threshold sits halfway between Otsu's and white, so a line one source pixel thick,
    averaged with paper into a downscaled pixel, still counts as ink.
    """
    small = imaging.analysis_copy(gray)
    factor = max(1, gray.shape[1] // small.shape[1])
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    level = (max(otsu, 64.0) + 255.0) / 2.0
    _, ink = cv2.threshold(small, level, 255, cv2.THRESH_BINARY_INV)
    if cv2.countNonZero(ink) > ink.size // 2:  # Otsu split a blank page's paper noise
        _, ink = cv2.threshold(small, 127, 255, cv2.THRESH_BINARY_INV)
    return ink, factor


def horizontal_lines(ink: np.ndarray) -> np.ndarray:
    """Pixels of horizontal ink runs at least ``H_MIN_WIDTH_SHARE`` of the page wide."""
    length = max(10, round(ink.shape[1] * H_MIN_WIDTH_SHARE))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))


def vertical_lines(ink: np.ndarray, horizontal: np.ndarray) -> np.ndarray:
    """Vertical strokes that run between two horizontal lines, or are very long alone."""
    width = ink.shape[1]
    length = max(5, round(width * V_MIN_WIDTH_SHARE))
    strokes = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    if not cv2.countNonZero(strokes):
        return strokes
    # 16-bit labels are ~3x faster; at most ~w/2 * h/length strokes fit, far below 65536.
    n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        strokes, 8, cv2.CV_16U, cv2.CCL_DEFAULT
    )
    reach = max(1, round(width * _END_REACH_SHARE))
    near_rule = cv2.dilate(horizontal, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    ys, xs = np.nonzero(cv2.bitwise_and(strokes, near_rule))
    ids = labels[ys, xs]
    tops = stats[ids, cv2.CC_STAT_TOP]
    bottoms = tops + stats[ids, cv2.CC_STAT_HEIGHT] - 1
    top_hit = np.bincount(ids[ys <= tops + reach], minlength=n) > 0
    bottom_hit = np.bincount(ids[ys >= bottoms - reach], minlength=n) > 0
    keep = (top_hit & bottom_hit) | (stats[:, cv2.CC_STAT_HEIGHT] >= width * V_ALONE_WIDTH_SHARE)
    keep[0] = False
    if not keep.any():
        return np.zeros_like(strokes)
    return np.where(keep[labels], np.uint8(255), np.uint8(0))


def line_mask(gray: np.ndarray) -> np.ndarray | None:
    """Pixels of ``gray`` to paint white (255 = erase), or ``None`` when there are no lines.

    Lines are found on the downscaled analysis copy (a sixteenth of the work of the full
    page for a fax) and erased at full size block by block, one block more on each side
    across the line: ink within ~2 blocks (4-6 px) of a line goes with it.
    """
    ink, factor = _small_ink(gray)
    lines = horizontal_lines(ink)
    if not cv2.countNonZero(lines):
        return None
    vertical = vertical_lines(ink, lines)
    # One downscaled pixel more across each line catches its ragged, anti-aliased edges.
    lines = cv2.dilate(lines, np.ones((3, 1), np.uint8))
    if cv2.countNonZero(vertical):
        lines = cv2.bitwise_or(lines, cv2.dilate(vertical, np.ones((1, 3), np.uint8)))
    height, width = gray.shape
    if factor > 1:
        lines = cv2.resize(lines, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST)
    bottom, right = height - lines.shape[0], width - lines.shape[1]
    return cv2.copyMakeBorder(lines, 0, bottom, 0, right, cv2.BORDER_CONSTANT, value=0)


def erase_lines(gray: np.ndarray) -> np.ndarray:
    """A copy of ``gray`` with form lines painted white; ``gray`` itself if there are none."""
    mask = line_mask(gray)
    if mask is None:
        return gray
    return cv2.max(gray, mask)
