"""A second look at one value: its crop of the page image read again, several ways.

At fax-normal resolution (204×98) and on scans, Tesseract loses or merges digits of a date,
an NPI or a member ID while the rest of the page reads fine. Reading the whole page again
would double the OCR time, so only a value that fails its validator (a Luhn check, a date, an
identifier read with low confidence) is re-read, from its own small crop: upscaled (digits at
fax resolution are ~12 px tall; Tesseract wants ~30), binarised two ways (Otsu, and Otsu after
a blur that closes the gaps in fax strokes), as one text line, optionally restricted to the
characters the value may hold. The caller votes over the readings.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from extractors.base import EngineContext
from extractors.ocr import _run, _temp_image
from models.geometry import Box

log = logging.getLogger(__name__)

#: Upscaling per variant, and whether the crop is blurred before thresholding.
VARIANTS = ((3.0, False), (2.0, True))
#: Crop margin around the value's box, in box heights (more to the right: truncated digits).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_Y = 0.6, 4.0, 0.35
#: Target height of the text in the upscaled crop, px (Tesseract reads ~20-40 px best).
TARGET_PX = 36.0


@lru_cache(maxsize=4)
def _page_gray(path: str) -> np.ndarray | None:
    """The saved page image, grayscale (a few pages cached: several values per page)."""
    return cv2.imread(path, cv2.IMREAD_GRAYSCALE)


def crop_of(image_path: str, box: Box) -> np.ndarray | None:
    """The pixels around ``box`` (page-relative) on the saved page image, or ``None``."""
    gray = _page_gray(image_path)
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


def reread_crop(
    image_path: str,
    box: Box,
    *,
    whitelist: str | None = None,
    ctx: EngineContext | None = None,
    variants: tuple[tuple[float, bool], ...] = VARIANTS,
) -> list[tuple[str, float]]:
    """The value under ``box`` read again in each of ``VARIANTS``: ``(text, confidence)``.

    Args:
        image_path: the page image saved by the OCR engine (same geometry as the words).
        box: the value's page-relative box.
        whitelist: characters Tesseract may output (e.g. digits and "/" for a date).
        ctx: language and timeout (defaults when ``None``).
        variants: the ``(upscale, blur)`` preparations to read, in order.

    Returns:
        One reading per variant that produced text; empty when the image is unreadable.
    """
    crop = crop_of(image_path, box)
    if crop is None:
        return []
    ctx = ctx or EngineContext()
    # the crop is PHI: it goes where the page image already is (a private data folder)
    tmp_dir = ctx.tmp_dir or Path(image_path).parent
    box_h = max(crop.shape[0] / (1 + 2 * MARGIN_Y), 1.0)
    config = "--psm 7"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    out: list[tuple[str, float]] = []
    for factor, blur in variants:
        scale = max(1.0, min(factor, TARGET_PX * factor / (3.0 * box_h)))
        image = _temp_image(_prepared(crop, scale, blur=blur), tmp_dir)
        try:
            data = _run(
                pytesseract.image_to_data,
                str(image),
                lang=ctx.tesseract_lang,
                config=config,
                output_type=pytesseract.Output.DICT,
                timeout=min(ctx.ocr_timeout_s, 10.0),
            )
        finally:
            image.unlink(missing_ok=True)
        assert isinstance(data, dict)
        words = [
            (str(t).strip(), float(c))
            for t, c in zip(data["text"], data["conf"], strict=True)
            if str(t).strip() and float(c) >= 0
        ]
        if words:
            text = " ".join(w for w, _ in words)
            out.append((text, sum(c for _, c in words) / len(words) / 100.0))
    log.debug("crop re-read: %d readings", len(out))
    return out
