"""A second look at doubtful values: their crops of the page image read again, several ways.

At fax-normal resolution (204×98) and on scans, Tesseract loses or merges digits of a date,
an NPI or a member ID while the rest of the page reads fine. Reading the whole page again
would double the OCR time, so only a value that fails its validator (a Luhn check, a date, an
identifier read with low confidence) is re-read, from its own small crop: upscaled (digits at
fax resolution are ~12 px tall; Tesseract wants ~30), binarised two ways (Otsu, and Otsu after
a blur that closes the gaps in fax strokes), optionally restricted to the characters the
value may hold. All the crops of a document go into one strip and one Tesseract call per
whitelist; the caller votes over the readings."""

from __future__ import annotations

import logging
import shlex
from bisect import bisect_right
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from extractors.base import EngineContext
from extractors.imaging import saved_page_gray
from extractors.ocr import _run, _temp_image
from models.geometry import Box

log = logging.getLogger(__name__)

#: Upscaling per variant, and whether the crop is blurred before thresholding.
VARIANTS = ((3.0, False), (2.0, True))
#: Crop margin around the value's box, in box heights (more to the right: truncated digits).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_Y = 0.6, 4.0, 0.35
#: Target height of the text in the upscaled crop, px (Tesseract reads ~20-40 px best).
TARGET_PX = 36.0
#: Paper between two crops in a strip, px: more than a line gap, so no two crops merge.
GAP_PX = 24
#: Tesseract page segmentation for a strip: 4 = one column of text of variable sizes.
STRIP_SEG_MODE = 4


def crop_of(image_path: str, box: Box) -> np.ndarray | None:
    """The pixels around ``box`` (page-relative) on the saved page image, or ``None``."""
    gray = saved_page_gray(image_path)
    if gray is None:
        return None
    height, width = gray.shape
    h = (box.y1 - box.y0) * height
    x0 = int(max(box.x0 * width - MARGIN_LEFT * h, 0))
    x1 = int(min(box.x1 * width + MARGIN_RIGHT * h, width))
    y0 = int(max(box.y0 * height - MARGIN_Y * h, 0))
    y1 = int(min(box.y1 * height + MARGIN_Y * h, height))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return gray[y0:y1, x0:x1]


def _prepared(crop: np.ndarray, scale: float, *, blur: bool) -> np.ndarray:
    out = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    if blur:
        out = cv2.GaussianBlur(out, (3, 3), 0)
    _, out = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    pad = int(8 * scale)
    return cv2.copyMakeBorder(out, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _strip(
    crops: list[np.ndarray], variants: tuple[tuple[float, bool], ...]
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Every prepared variant of every crop stacked in one white strip, with their row spans.

    Segments are left-aligned and separated by ``GAP_PX`` of paper, so Tesseract sees one
    column of short lines and each word belongs to the segment its centre falls in.
    """
    parts: list[np.ndarray] = []
    for crop in crops:
        box_h = max(crop.shape[0] / (1 + 2 * MARGIN_Y), 1.0)
        for factor, blur in variants:
            scale = max(1.0, min(factor, TARGET_PX * factor / (3.0 * box_h)))
            parts.append(_prepared(crop, scale, blur=blur))
    width = max(p.shape[1] for p in parts)
    rows, spans, y = [], [], 0
    for part in parts:
        padded = cv2.copyMakeBorder(
            part, 0, GAP_PX, 0, width - part.shape[1], cv2.BORDER_CONSTANT, value=255
        )
        rows.append(padded)
        spans.append((y, y + part.shape[0]))
        y += padded.shape[0]
    return np.vstack(rows), spans


def _segments(data: dict, spans: list[tuple[int, int]]) -> list[tuple[str, float] | None]:
    """Tesseract's words grouped by the segment their centre falls in, in reading order."""
    found: list[list[tuple[tuple[int, ...], str, float]]] = [[] for _ in spans]
    tops = [top for top, _ in spans]
    for i, raw in enumerate(data["text"]):
        text, conf = str(raw).strip(), float(data["conf"][i])
        if not text or conf < 0:
            continue
        centre = float(data["top"][i]) + float(data["height"][i]) / 2
        k = bisect_right(tops, centre) - 1
        if k < 0 or centre > spans[k][1]:
            continue  # in a gap: a speck, not a value
        order = tuple(int(data[key][i]) for key in ("block_num", "par_num", "line_num", "left"))
        found[k].append((order, text, conf))
    out: list[tuple[str, float] | None] = []
    for words in found:
        words.sort()
        if not words:
            out.append(None)
            continue
        text = " ".join(w for _, w, _ in words)
        out.append((text, sum(c for _, _, c in words) / len(words) / 100.0))
    return out


def reread_crops(
    requests: list[tuple[str, Box, str | None]],
    *,
    ctx: EngineContext | None = None,
    variants: tuple[tuple[float, bool], ...] = VARIANTS,
) -> list[list[tuple[str, float]]]:
    """Each requested value read again in each of ``VARIANTS``, batched.

    A Tesseract call costs ~0.1 s before it reads anything (it loads its model), so all the
    crops that share a character whitelist, from every page of a document, go into one strip
    and one call (see ``_strip``): a fax with five doubtful values costs one or two calls,
    not ten.

    Args:
        requests: ``(image_path, box, whitelist)`` per value: the page image saved by the OCR
            engine (same geometry as the words), the value's page-relative box, and the
            characters Tesseract may output (``None``: any).
        ctx: language and timeout (defaults when ``None``).
        variants: the ``(upscale, blur)`` preparations read for every crop.

    Returns:
        Per request, one ``(text, confidence)`` per variant that produced text; empty when
        the crop is off the image or the image is unreadable.
    """
    out: list[list[tuple[str, float]]] = [[] for _ in requests]
    groups: dict[str | None, list[tuple[int, np.ndarray]]] = {}
    for i, (image_path, box, whitelist) in enumerate(requests):
        crop = crop_of(image_path, box)
        if crop is not None:
            groups.setdefault(whitelist or None, []).append((i, crop))
    if not groups:
        return out
    ctx = ctx or EngineContext()
    # the crops are PHI: they go where the page images already are (a private data folder)
    tmp_dir = ctx.tmp_dir or Path(requests[0][0]).parent
    for whitelist, members in groups.items():
        strip, spans = _strip([crop for _, crop in members], variants)
        config = f"--psm {STRIP_SEG_MODE}"
        if whitelist:  # quoted: pytesseract splits the config like a shell (phones allow " ")
            config += " -c " + shlex.quote(f"tessedit_char_whitelist={whitelist}")
        image = _temp_image(strip, tmp_dir, bilevel=True)
        try:
            data = _run(
                pytesseract.image_to_data,
                str(image),
                lang=ctx.tesseract_lang,
                config=config,
                output_type=pytesseract.Output.DICT,
                timeout=min(ctx.ocr_timeout_s, 20.0),
            )
        finally:
            image.unlink(missing_ok=True)
        assert isinstance(data, dict)
        readings = _segments(data, spans)
        for n, (i, _crop) in enumerate(members):
            chunk = readings[n * len(variants) : (n + 1) * len(variants)]
            out[i] = [r for r in chunk if r is not None]
    log.debug("crop re-read: %d values, %d calls", len(requests), len(groups))
    return out
