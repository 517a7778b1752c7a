"""Pixel clean-up before OCR: square fax pixels, blank test, deskew, rotation, page image.

Each step is a pure function over a grayscale ``numpy`` array (0 = black) so it can be
measured and tested alone. All of them together must stay a small fraction of a Tesseract
call (~1–3 s a page): they work on downscaled copies wherever the answer allows it.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from models.fs import private_dir

#: Pixels are "square" when x and y resolution differ by less than this share.
_SQUARE_TOLERANCE = 0.05
#: Working resolution (longest side, px) for the cheap analyses below.
_ANALYSIS_SIDE = 1100
#: Ink share under which a page counts as blank, after removing specks.
BLANK_INK_SHARE = 0.0004
#: Skews smaller than this (degrees) are left alone: rotating costs time and sharpness.
MIN_DESKEW_DEG = 0.3
#: Largest skew looked for; beyond it a page is sideways, not skewed.
MAX_SKEW_DEG = 6.0
#: Closing length (analysis-copy pixels, ~130 dpi) that joins letters but not lines.
_MERGE_PX = 4
#: Share of one-pixel vertical ink runs from which a page's strokes count as thin.
THIN_RUN_SHARE = 0.6
_THIN_COLUMN_STEP = 3
#: Largest connected ink component (pixels) erased as a speck.
SPECK_MAX_AREA = 4
#: A dark band (white-on-dark title bar) spans this share of the page width at least…
BAND_MIN_WIDTH_SHARE = 0.2
#: …is at least this share of the page height (a text line; rules are thinner)…
BAND_MIN_HEIGHT_SHARE = 0.008
#: …and this share of its box is dark (white letters leave holes; a box outline is empty)…
BAND_MIN_FILL = 0.55
#: …but not all of it: with no light letters inside, a bar is a solid rule or holds dark text
#: on a mid-grey ground, which inverting would turn into light text, lost.
BAND_MAX_FILL = 0.98
#: Text lines a page needs before ``ascender_share`` answers…
LEAN_MIN_LINES = 8
#: …the share of ink above the x-height band under which a page is upside down (upright
#: pages: 0.45 and up)…
UPSIDE_DOWN_SHARE = 0.33
#: …and at or above which it is upright (pages turned 180°: 0.55 and below).
UPRIGHT_SHARE = 0.62


def square_pixels(
    gray: np.ndarray, dpi: tuple[float, float], *, min_dpi: float = 0.0
) -> tuple[np.ndarray, float]:
    """Resample so both axes have the same resolution (and at least ``min_dpi``).

    A fax "normal" page (204×98 dpi) is stretched twice as tall as it is wide in pixel
    terms; Tesseract assumes square pixels, so letters look squashed and accuracy drops.

    Returns:
        The resampled image and its (single) resolution.
    """
    xdpi, ydpi = dpi
    target = max(xdpi, ydpi, min_dpi)
    square = abs(xdpi - ydpi) <= _SQUARE_TOLERANCE * max(xdpi, ydpi)
    if square and target <= max(xdpi, ydpi):
        return gray, float(max(xdpi, ydpi))
    height, width = gray.shape
    new_size = (round(width * target / xdpi), round(height * target / ydpi))
    return cv2.resize(gray, new_size, interpolation=cv2.INTER_LINEAR), float(target)


def analysis_copy(gray: np.ndarray) -> np.ndarray:
    """Downscaled copy (longest side ~1100 px, ~130 dpi for Letter) for page analyses.

    Made once per page and passed to ``is_blank`` and ``ink_points``; both accept a full
    image too and downscale it themselves (a no-op for an analysis copy).
    """
    height, width = gray.shape
    factor = round(max(height, width) / _ANALYSIS_SIDE)
    if factor <= 1:
        return gray
    # A whole-number factor takes OpenCV's fast area path: 0.6 ms instead of 12 ms.
    size = (max(1, width // factor), max(1, height // factor))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def is_blank(gray: np.ndarray) -> bool:
    """True when the page holds almost no ink once specks and edge shadows are removed.

    Fax lines add isolated specks and scanners dark borders: the downscale averages single
    specks away, a 2×2 opening removes the rest, and a 3 % margin is ignored. Fixed
    threshold, not Otsu: on a blank page Otsu would split paper noise into "ink".
    """
    small = analysis_copy(gray)
    mask = (small < 128).astype(np.uint8)
    # Join the letters of a word before removing specks: the thin strokes of a small font
    # faxed at 204×98 dpi are single pixels on the analysis copy, and an opening alone erased
    # a whole 6 pt letter (ink 0.0004 → "blank"). Specks stay isolated, so they still go.
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, _MERGE_PX), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    h, w = mask.shape
    my, mx = max(1, h * 3 // 100), max(1, w * 3 // 100)
    inner = mask[my : h - my, mx : w - mx]
    return inner.size == 0 or float(inner.mean()) < BLANK_INK_SHARE


def invert_dark_bands(gray: np.ndarray) -> np.ndarray:
    """Copy of ``gray`` with every dark band (white text on a dark bar) inverted.

    EHR printouts put titles ("Referral Order", "Patient Information") in white on a dark
    bar; Tesseract reads dark-on-light only, so the title was lost and with it the page's
    first evidence. A band is a connected dark region, on the analysis copy, at least
    ``BAND_MIN_WIDTH_SHARE`` of the page wide, ``BAND_MIN_HEIGHT_SHARE`` tall and
    ``BAND_MIN_FILL`` (and at most ``BAND_MAX_FILL``) dark inside its box: rules are too
    thin, boxes too empty, filled checkboxes too narrow, and a bar without light letters in
    it is left alone. Pages without one are returned as they are (no copy).
    """
    small = analysis_copy(gray)
    mask = (small < 128).astype(np.uint8)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = small.shape
    bands = [
        (x, y, bw, bh)
        for x, y, bw, bh, area in stats[1:count].tolist()
        if bw >= BAND_MIN_WIDTH_SHARE * w
        and bh >= max(3, BAND_MIN_HEIGHT_SHARE * h)
        and BAND_MIN_FILL * bw * bh <= area <= BAND_MAX_FILL * bw * bh
    ]
    if not bands:
        return gray
    out = gray.copy()
    fy, fx = gray.shape[0] / h, gray.shape[1] / w
    for x, y, bw, bh in bands:
        top, bottom = int(y * fy), min(gray.shape[0], int(np.ceil((y + bh) * fy)))
        left, right = int(x * fx), min(gray.shape[1], int(np.ceil((x + bw) * fx)))
        out[top:bottom, left:right] = 255 - out[top:bottom, left:right]
    return out


def _profile_score(ys: np.ndarray) -> float:
    """Sharpness of a projection profile: sum of squared bin-to-bin differences."""
    hist = np.bincount(ys)
    return float(np.square(np.diff(hist.astype(np.float64))).sum())


InkPoints = tuple[np.ndarray, np.ndarray]


def ink_points(gray: np.ndarray, limit: int = 30_000) -> InkPoints:
    """Centred coordinates of (a sample of) ink pixels on the analysis copy (Otsu mask).

    Computed once per page for ``estimate_skew``.
    """
    small = analysis_copy(gray)
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if mask.mean() > 0.5:  # mostly "ink": Otsu split a blank page's paper noise
        mask = (small < 128).astype(np.uint8)
    ys, xs = np.nonzero(mask)
    if ys.size > limit:
        step = ys.size // limit + 1
        ys, xs = ys[::step], xs[::step]
    return xs.astype(np.float32) - mask.shape[1] / 2, ys.astype(np.float32) - mask.shape[0] / 2


def _angle_score(points: InkPoints, deg: float) -> float:
    """Profile sharpness when ink is projected onto the axis at ``deg`` (0 = rows).

    Points are centred and the analysis copy is ≤ ~1600 px across, so adding 2048 keeps
    every projected coordinate a valid, non-negative bin.
    """
    xs, ys = points
    rad = np.deg2rad(deg)
    return _profile_score((ys * np.cos(rad) + xs * np.sin(rad) + 2048.0).astype(np.intp))


def _search(points: InkPoints, centre: float, step: float) -> tuple[float, float]:
    """Best angle and its score within ±``MAX_SKEW_DEG`` of ``centre`` at ``step``."""
    angles = np.arange(centre - MAX_SKEW_DEG, centre + MAX_SKEW_DEG + 1e-9, step)
    scores = [_angle_score(points, a) for a in angles]
    best = int(np.argmax(scores))
    return float(angles[best]), scores[best]


def estimate_skew(points: InkPoints) -> float:
    """Angle (degrees, counter-clockwise positive) by which text lines are tilted.

    Projection-profile search: text lines give the sharpest row profile when projected
    along their own direction. Coarse 0.5° steps over ±6°, then 0.1° around the best; on
    ~30k sampled ink points this takes a few milliseconds.
    """
    if points[0].size < 200:
        return 0.0
    coarse, _ = _search(points, 0.0, 0.5)
    fine = np.arange(coarse - 0.4, coarse + 0.4 + 1e-9, 0.1)
    return round(float(max(fine, key=lambda a: _angle_score(points, a))), 2)


def sideways_score(gray: np.ndarray) -> float:
    """How much more text merges vertically than horizontally; > 1 means text runs sideways.

    Letters of a word sit closer to each other than lines do, so a short horizontal closing
    merges many more components than a vertical one on an upright page (and the reverse on
    a page turned by 90°). Unlike projection profiles this ignores table rules and survives
    skew. On the 55 committed sample pages, upright and at ±4° skew, upright pages scored
    ≤ 0.95 and turned ones ≥ 1.06; it cannot tell 90° from 270° (OSD does) nor 0° from
    180°. About 10 ms on the analysis copy.
    """
    small = analysis_copy(gray)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    across = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, _MERGE_PX), np.uint8))
    down = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((_MERGE_PX, 1), np.uint8))
    n_across = cv2.connectedComponents(across, connectivity=8)[0]
    n_down = cv2.connectedComponents(down, connectivity=8)[0]
    return n_across / max(1, n_down)


def ascender_share(gray: np.ndarray) -> float | None:
    """Share of the ink above the text lines' x-height band, vs above plus below it.

    Latin text has far more ascenders and capitals above its x-height band than descenders
    below it, so an upright page leans up (a high share) and a page turned 180° leans down.
    Per text line (a run of inked rows on the analysis copy) the ink above the line's dense
    core is compared with the ink below it. On 133 generated fax pages with
    ``LEAN_MIN_LINES`` lines or more, upright pages scored 0.45–0.87 and the same pages
    turned 180° 0.13–0.55. A few ms.

    Returns:
        The share, or ``None`` with fewer than ``LEAN_MIN_LINES`` text lines to tell.
    """
    small = analysis_copy(gray)
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = mask.sum(axis=1, dtype=np.int64)
    inked = np.flatnonzero(rows > 0.002 * mask.shape[1])
    if inked.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(inked) > 1)
    starts = np.concatenate(([inked[0]], inked[breaks + 1]))
    ends = np.concatenate((inked[breaks], [inked[-1]])) + 1
    above = below = lines = 0
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        profile = rows[start:end]
        if not 6 <= profile.size <= 40:  # a text line at ~130 dpi, not a speck or a block
            continue
        core = np.flatnonzero(profile >= 0.5 * profile.max())
        if core[-1] - core[0] < 2:
            continue
        above += int(profile[: core[0]].sum())
        below += int(profile[core[-1] + 1 :].sum())
        lines += 1
    if lines < LEAN_MIN_LINES or above + below == 0:
        return None
    return above / (above + below)


def upside_down(gray: np.ndarray) -> bool:
    """True when the page's text lines clearly lean down (``ascender_share``).

    Only a clear answer counts (below ``UPSIDE_DOWN_SHARE``), so a page of capitals and
    digits, with no ascenders to tell, is read upright first as before.
    """
    share = ascender_share(gray)
    return share is not None and share < UPSIDE_DOWN_SHARE


def clearly_upright(gray: np.ndarray) -> bool:
    """True when the page's text lines clearly lean up (at least ``UPRIGHT_SHARE``)."""
    share = ascender_share(gray)
    return share is not None and share >= UPRIGHT_SHARE


def rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by ``degrees``; right angles are exact and resize the page.

    Small angles keep the page size and fill the uncovered corners with white.
    """
    quarter = round(degrees / 90.0)
    if abs(degrees - quarter * 90.0) < 1e-6:
        return np.ascontiguousarray(np.rot90(gray, quarter % 4))
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def despeckle(gray: np.ndarray) -> np.ndarray:
    """3×3 median filter: removes isolated fax noise dots without eroding 10 pt strokes."""
    return cv2.medianBlur(gray, 3)


def thin_strokes(gray: np.ndarray) -> bool:
    """True when most ink runs down a column are one pixel tall: a small or light font.

    Measured on the page as received (before squaring). On fax-"normal" pages a 3×3 median
    after squaring cleans 10 pt text but erases 7–8 pt text (word recall 0.41–0.76 instead of
    0.92–0.99 on Helvetica and Times faxed by Ghostscript); there, ``THIN_RUN_SHARE`` or more
    of the vertical runs are one pixel tall, on the generator's bolder faxes 0.09–0.50.
    """
    ink = (gray[:, ::_THIN_COLUMN_STEP] < 128).astype(np.int8)  # a sample of columns will do
    edges = np.diff(ink, axis=0, prepend=0, append=0)
    starts = np.count_nonzero(edges == 1)
    if starts == 0:
        return False
    # a one-pixel run starts at a row and ends at the very next one
    single = np.count_nonzero((edges[:-1] == 1) & (edges[1:] == -1))
    return single / starts >= THIN_RUN_SHARE


def remove_specks(gray: np.ndarray, max_area: int = SPECK_MAX_AREA) -> np.ndarray:
    """Erase isolated ink specks (connected components of at most ``max_area`` pixels) only.

    The gentle alternative to :func:`despeckle` for thin text: strokes are left untouched,
    including the pixels a median would take from a 7 pt letter.
    """
    mask = (gray < 128).astype(np.uint8)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    speck = stats[:, cv2.CC_STAT_AREA] <= max_area  # a lookup per label: one pass, no sort
    speck[0] = False  # the paper
    if not speck.any():
        return gray
    out = gray.copy()
    out[speck[labels]] = 255
    return out


def resize_to_dpi(gray: np.ndarray, dpi: float, target_dpi: float) -> np.ndarray:
    """Resample a square-pixel image from ``dpi`` to ``target_dpi``.

    Whole-number reductions (300 → 150 dpi) use the area filter, which OpenCV does fast;
    other factors use bilinear (2.5 ms instead of 17 ms for a page), good enough for a
    preview.
    """
    if abs(dpi - target_dpi) < 0.5:
        return gray
    scale = target_dpi / dpi
    height, width = gray.shape
    whole = scale < 1 and abs(1 / scale - round(1 / scale)) < 1e-3
    interp = cv2.INTER_AREA if whole else cv2.INTER_LINEAR
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(gray, size, interpolation=interp)


def write_png_atomic(gray: np.ndarray, target: Path, *, bilevel: bool = False) -> Path:
    """Write ``gray`` as PNG to ``target`` so readers never see a half-written file.

    The image goes to a temporary name in the same folder first, then ``os.replace``
    (atomic on one file system). Fast zlib level; ``bilevel`` (fax pages) writes a 1-bit
    PNG, faster still and ~6× smaller.
    """
    private_dir(target.parent)
    # No PNG row filters: choosing them per row cost 2/3 of the encode (34 → 10 ms for a
    # 150 dpi page) and, on mostly-white documents, made the file larger, not smaller.
    params = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    if bilevel:
        gray = cv2.threshold(gray, 127, 255, cv2.THRESH_BINARY)[1]  # ≥ 128 → white; ~50× np.where
        params = [cv2.IMWRITE_PNG_BILEVEL, 1]
    ok, data = cv2.imencode(".png", gray, params)
    if not ok:
        raise OSError("PNG encoding failed")
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".png", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.tobytes())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@lru_cache(maxsize=4)
def _saved_gray(path: str, _version: tuple[int, int]) -> np.ndarray | None:
    return cv2.imread(path, cv2.IMREAD_GRAYSCALE)


def saved_page_gray(path: str) -> np.ndarray | None:
    """A saved page image (``write_png_atomic``) in grey, or ``None`` when missing/unreadable.

    Several readers look at the same page (checkbox pixels, crop re-reads), so the last few
    are cached; the key holds the file's (mtime, size), so an image written again at the same
    path (a re-read page) is never answered from the old one.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _saved_gray(path, (stat.st_mtime_ns, stat.st_size))


def page_image_path(workdir: Path, page_no: int) -> Path:
    """Where the review UI expects page ``page_no``'s image: ``{page:04d}.png``."""
    return workdir / f"{page_no:04d}.png"
