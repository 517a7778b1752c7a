"""Tesseract calls: OCR of one prepared image, and orientation detection (OSD).

The only module that talks to pytesseract. It owns the subprocess rules OCRmyPDF taught us:
``OMP_THREAD_LIMIT=1`` (parallelism is per page, ours), a timeout on every call, and one
place that maps Tesseract's failures onto ``Transient``/``Rejected`` codes. Images go to
Tesseract as uncompressed PGM files: no PNG encoding on our side, no decoding on its side.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from extractors.base import EngineContext
from extractors.layout import Piece, to_words
from models.document import Word
from models.errors import ErrorCode, Rejected, Transient
from models.fs import private_dir

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger(__name__)

#: Share of longer words whose box is taller than wide above which a page is sideways.
MAX_VERTICAL_SHARE = 0.5
#: Tesseract page segmentation: 3 = automatic layout without OSD (we orient pages ourselves).
PAGE_SEG_MODE = 3
#: Mean word confidence (0–1) below which a result "looks wrong" and OSD is consulted.
SUSPECT_CONFIDENCE = 0.6
#: OSD orientation confidence needed before a page is turned.
MIN_OSD_CONFIDENCE = 2.0
#: Resolution OSD works at (pages above it are reduced; below it left alone).
OSD_DPI = 200.0
#: Share of the page's width and height, centred, that OSD looks at first.
OSD_CENTRE = 0.5
_COMMON = frozenset(
    {
        "the",
        "and",
        "of",
        "to",
        "in",
        "for",
        "is",
        "on",
        "with",
        "a",
        "an",
        "by",
        "at",
        "from",
        "or",
        "as",
        "be",
        "are",
        "was",
        "this",
        "that",
        "patient",
        "date",
        "name",
        "phone",
        "fax",
        "dr",
        "md",
        "please",
        "referral",
        "birth",
        "address",
        "insurance",
    }
)
_WORD_CHARS = re.compile(r"[^a-z]")


@dataclass
class OcrResult:
    """Words read from one image and their mean confidence (0–1)."""

    words: list[Word]
    confidence: float | None
    vertical_share: float = 0.0

    def looks_wrong(self) -> bool:
        """Garbage test: low confidence, words standing on end, or no common English word.

        Tesseract reads lines of a sideways page on its own (slowly) and returns tall word
        boxes; an upside-down page reads as confident-looking nonsense surprisingly often.
        """
        if not self.words:
            return True
        if self.confidence is not None and self.confidence < SUSPECT_CONFIDENCE:
            return True
        if self.vertical_share > MAX_VERTICAL_SHARE:
            return True
        common = sum(_WORD_CHARS.sub("", w.text.lower()) in _COMMON for w in self.words)
        return len(self.words) >= 15 and common == 0


def _run(func: object, *args: object, **kwargs: object) -> object:
    """Call a pytesseract function, translating its failures into our error codes.

    Raises:
        Transient: ``OCR_TIMEOUT`` on timeout; ``OCR_FAILED`` when Tesseract was killed by a
            signal (e.g. memory pressure), which may not happen again.
        Rejected: ``OCR_FAILED`` when the binary is missing or Tesseract refuses the input.
    """
    try:
        return func(*args, **kwargs)  # type: ignore[operator]
    except pytesseract.TesseractNotFoundError as exc:
        raise Rejected("tesseract is not installed", code=ErrorCode.OCR_FAILED) from exc
    except pytesseract.TesseractError as exc:
        if isinstance(exc.status, int) and exc.status < 0:
            raise Transient("tesseract was killed", code=ErrorCode.OCR_FAILED) from exc
        raise Rejected(
            f"tesseract failed with status {exc.status}", code=ErrorCode.OCR_FAILED
        ) from exc
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise Transient("tesseract timed out", code=ErrorCode.OCR_TIMEOUT) from exc
        raise


def _temp_image(gray: np.ndarray, tmp_dir: Path | None, *, bilevel: bool = False) -> Path:
    """Write ``gray`` for Tesseract as uncompressed PGM, or PBM (threshold 128) if bilevel.

    No PNG encode/decode on either side. Bilevel input also spares Tesseract its own
    thresholding: on 34 generated fax pages PBM was ~15 % faster than PGM at the same word
    recall (fine 0.971 vs 0.971; normal, after squaring and median, 0.910 vs 0.918).
    """
    if tmp_dir is not None:
        private_dir(tmp_dir)
    fd, name = tempfile.mkstemp(
        prefix="intake-ocr-", suffix=".pbm" if bilevel else ".pgm", dir=tmp_dir
    )
    with os.fdopen(fd, "wb") as fh:
        height, width = gray.shape
        if bilevel:
            fh.write(b"P4\n%d %d\n" % (width, height))
            fh.write(np.packbits(gray < 128, axis=1).tobytes())  # PBM: 1 = black
        else:
            fh.write(b"P5\n%d %d\n255\n" % (width, height))
            fh.write(np.ascontiguousarray(gray, dtype=np.uint8).tobytes())
    return Path(name)


def ocr(gray: np.ndarray, ctx: EngineContext, *, bilevel: bool = False) -> OcrResult:
    """Run Tesseract once and build words in reading order (boxes relative to ``gray``).

    Args:
        gray: The prepared, upright page.
        ctx: Language and timeout.
        bilevel: The source was black and white (fax): send a thresholded PBM.
    """
    height, width = gray.shape
    image = _temp_image(gray, ctx.tmp_dir, bilevel=bilevel)
    try:
        data = _run(
            pytesseract.image_to_data,
            str(image),
            lang=ctx.tesseract_lang,
            config=f"--psm {PAGE_SEG_MODE}",
            output_type=pytesseract.Output.DICT,
            timeout=ctx.ocr_timeout_s,
        )
    finally:
        image.unlink(missing_ok=True)
    assert isinstance(data, dict)
    lines: dict[tuple[int, int, int], list[tuple[str, float, float, float, float, float]]] = {}
    confs: list[float] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        right, bottom = left + float(data["width"][i]), top + float(data["height"][i])
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        lines.setdefault(key, []).append((text, left, top, right, bottom, conf / 100.0))
        confs.append(conf / 100.0)
    pieces = [Piece(words, block=key[0]) for key, words in lines.items()]
    long_words = [w for line in lines.values() for w in line if len(w[0]) >= 3]
    tall = sum(1 for w in long_words if (w[4] - w[2]) > (w[3] - w[1]))
    return OcrResult(
        words=to_words(pieces, width=width, height=height, new_blocks=False),
        confidence=sum(confs) / len(confs) if confs else None,
        vertical_share=tall / len(long_words) if long_words else 0.0,
    )


def osd_turn(gray: np.ndarray, dpi: float, ctx: EngineContext) -> int | None:
    """Clockwise degrees (0/90/180/270) that make the page upright, per Tesseract OSD.

    OSD needs real character sizes: at half size a 204 dpi fax gave confidences below 1
    (useless), so the page is only reduced to ``OSD_DPI``. OSD time grows with the characters
    it sees, so it first looks at the central half of the page's width and height
    (``OSD_CENTRE``: 0.8 s against 1.4 s for the central 70 % on a 204 dpi fax; on 17 fax
    pages turned 90° and 270°, every confident answer was right), and at the whole page only
    if that had too few characters or no confident answer.

    Returns:
        The turn, or ``None`` when OSD cannot decide with confidence.
    """
    if dpi > OSD_DPI:
        scale = OSD_DPI / dpi
        size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    height, width = gray.shape
    my, mx = round(height * (1 - OSD_CENTRE) / 2), round(width * (1 - OSD_CENTRE) / 2)
    centre = gray[my : height - my, mx : width - mx]
    for image in (centre, gray):
        turn = _osd_once(image, ctx)
        if turn is not None:
            return turn
    return None


def _osd_once(gray: np.ndarray, ctx: EngineContext) -> int | None:
    """One OSD call; ``None`` for "too few characters" or low confidence."""
    image = _temp_image(gray, ctx.tmp_dir)
    try:
        osd = _run(
            pytesseract.image_to_osd,
            str(image),
            config="--psm 0",
            output_type=pytesseract.Output.DICT,
            timeout=min(ctx.ocr_timeout_s, 30.0),
        )
    except Rejected:
        return None  # "Too few characters": nothing to orient
    finally:
        image.unlink(missing_ok=True)
    assert isinstance(osd, dict)
    if float(osd.get("orientation_conf", 0.0)) < MIN_OSD_CONFIDENCE:
        return None
    return int(osd.get("rotate", 0)) % 360
