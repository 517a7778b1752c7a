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
#: How far (share of the page width, ~0.03 in) a vertical stroke's end may be from a rule.
_END_REACH_SHARE = 1 / 300
#: A line whose ends come this close (share of the page side) to both page edges is a fax
#: streak, not a printed rule: it crosses text, and Tesseract reads through it better than
#: through the gap erasing it would leave.
_EDGE_SHARE = 0.01


def _ink(gray: np.ndarray) -> np.ndarray:
    """Full-size ink mask (255 = ink) at the Otsu level of the analysis copy.

    A fixed 128 when Otsu splits a blank page's paper noise into "ink".
    """
    small = imaging.analysis_copy(gray)
    level, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if cv2.countNonZero(mask) > mask.size // 2:
        level = 127.0
    return cv2.threshold(gray, level, 255, cv2.THRESH_BINARY_INV)[1]


def _column_pairs(mask: np.ndarray) -> np.ndarray:
    """Half the columns (an odd last one dropped): a pixel is ink if either of its pair is.

    Rows stay at full resolution, so letters do not merge into tall strokes; a vertical line
    one pixel thick or slightly slanted stays whole. (Rows are not paired for horizontal
    lines: bold letters whose tops meet in one row or the next then made line-long runs.)
    """
    even = mask.shape[1] // 2 * 2
    return cv2.max(mask[:, 0:even:2], mask[:, 1:even:2])


def _streaks(stats: np.ndarray, length_axis: int, size: int) -> np.ndarray:
    """Which components (rows of ``stats``) run from one page edge to the other."""
    start = stats[:, cv2.CC_STAT_LEFT if length_axis else cv2.CC_STAT_TOP]
    extent = stats[:, cv2.CC_STAT_WIDTH if length_axis else cv2.CC_STAT_HEIGHT]
    edge = size * _EDGE_SHARE
    return (start <= edge) & (start + extent >= size - edge)


def _keep(labels: np.ndarray, stats: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Mask (255) of the components whose ``keep`` flag is set.

    Drawn box by box: lines are few and thin, so this beats a lookup over the whole page.
    """
    mask = np.zeros(labels.shape, np.uint8)
    for i in np.flatnonzero(keep[1:]) + 1:
        x, y, w, h = stats[i, :4]
        box = (slice(y, y + h), slice(x, x + w))
        mask[box][labels[box] == i] = 255
    return mask


def horizontal_lines(ink: np.ndarray) -> np.ndarray:
    """Horizontal runs at least ``H_MIN_WIDTH_SHARE`` of the page wide, fax streaks excepted."""
    width = ink.shape[1]
    length = max(20, round(width * H_MIN_WIDTH_SHARE))
    kernel = np.ones((1, length), np.uint8)
    runs = cv2.erode(ink, kernel)  # an opening in two steps: most pages stop after one
    if not cv2.countNonZero(runs):
        return runs
    runs = cv2.dilate(runs, kernel)
    edge = max(1, round(width * _EDGE_SHARE))
    if not (runs[:, :edge].any(axis=1) & runs[:, -edge:].any(axis=1)).any():
        return runs  # no row reaches both edges: no streak (and no labelling needed)
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        runs, 8, cv2.CV_16U, cv2.CCL_DEFAULT
    )
    streaks = _streaks(stats, 1, width)
    return _keep(labels, stats, ~streaks) if streaks.any() else runs


def vertical_lines(ink: np.ndarray, horizontal: np.ndarray) -> np.ndarray:
    """Vertical strokes whose both ends meet a horizontal line: box sides, table columns.

    Letters are as tall as a short box side, so a vertical stroke alone is not enough; a
    letter never runs from one rule to the next. A long vertical line with no rule at its
    ends is left alone too: on a fax it is mostly a streak through the text. Only the band
    the rules span is searched (often a third of the page).

    Args:
        ink: Full-size ink mask.
        horizontal: ``horizontal_lines(ink)``.

    Returns:
        A full-size mask of the vertical lines.
    """
    height, width = ink.shape
    out = np.zeros_like(ink)
    length = max(8, round(width * V_MIN_WIDTH_SHARE))
    reach = max(2, round(width * _END_REACH_SHARE))
    x, y, w, h = cv2.boundingRect(horizontal)  # of the non-zero pixels
    if h <= length:
        return out  # one rule (or rules on one level): nothing to run between
    top, bottom = max(0, y - reach), min(height, y + h + reach)
    left, right = max(0, x - reach), min(width, x + w + reach)
    band = (slice(top, bottom), slice(left, right))
    strokes = cv2.morphologyEx(
        _column_pairs(ink[band]), cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)
    )
    if not cv2.countNonZero(strokes):
        return out
    # 16-bit labels are ~3x faster; at most ~w/4 * h/length strokes fit, far below 65536.
    n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        strokes, 8, cv2.CV_16U, cv2.CCL_DEFAULT
    )
    # Near a rule: within ±reach rows and ±reach/2 column pairs.
    near = cv2.dilate(
        _column_pairs(horizontal[band]), np.ones((2 * reach + 1, reach + 1), np.uint8)
    )
    ys, xs = np.nonzero(cv2.bitwise_and(strokes, near))
    ids = labels[ys, xs]
    tops = stats[ids, cv2.CC_STAT_TOP]
    bottoms = tops + stats[ids, cv2.CC_STAT_HEIGHT] - 1
    top_hit = np.bincount(ids[ys <= tops + reach], minlength=n) > 0
    bottom_hit = np.bincount(ids[ys >= bottoms - reach], minlength=n) > 0
    keep = top_hit & bottom_hit
    if keep[1:].any():
        paired = _keep(labels, stats, keep)
        full = cv2.resize(
            paired, (paired.shape[1] * 2, paired.shape[0]), interpolation=cv2.INTER_NEAREST
        )
        out[top:bottom, left : left + full.shape[1]] = full
    return out


def line_mask(gray: np.ndarray) -> np.ndarray | None:
    """Pixels of ``gray`` to paint white (255 = erase), or ``None`` when there are no lines.

    Each line is erased with two pixels more on both sides across it (ragged or
    anti-aliased edges): ink within ~2-3 px of a line goes with it.
    """
    ink = _ink(gray)
    horizontal = horizontal_lines(ink)
    if not cv2.countNonZero(horizontal):
        return None
    vertical = vertical_lines(ink, horizontal)
    mask = cv2.dilate(horizontal, np.ones((5, 1), np.uint8))
    if cv2.countNonZero(vertical):
        mask = cv2.bitwise_or(mask, cv2.dilate(vertical, np.ones((1, 5), np.uint8)))
    return mask


def erase_lines(gray: np.ndarray) -> np.ndarray:
    """A copy of ``gray`` with form lines painted white; ``gray`` itself if there are none."""
    mask = line_mask(gray)
    if mask is None:
        return gray
    return cv2.max(gray, mask)
