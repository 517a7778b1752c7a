"""OCR engine: any page as pixels → ``Page`` (``TextSource.OCR``) via Tesseract.

One page costs one Tesseract call in the common case; everything around it is cheap
(``extractors.imaging``):

1. pixels: PDF rendered at ``ctx.ocr_dpi``, a TIFF frame, a PNG/JPEG; fax pixels squared;
2. blank page → ``TextSource.NONE`` without calling Tesseract;
3. text running vertically (``imaging.sideways_score``, ~10 ms) → turned 90° or 270°
   *before* OCR, since OCR of a sideways page is ~5× slower and its boxes are useless: the
   way its text lines lean once turned (``imaging.ascender_share``) decides, or OSD when
   they do not tell;
4. deskew by projection profile when the tilt exceeds ``imaging.MIN_DESKEW_DEG``;
5. white-on-dark bands (EHR title bars) inverted (``imaging.invert_dark_bands``); form
   rules and box borders erased from Tesseract's copy (``form_lines``, ~10-30 ms):
   boxed values on faxed forms were otherwise dropped; the saved page image keeps them;
6. a page whose text lines lean down (``imaging.upside_down``: descenders where ascenders
   should be) is turned 180° before OCR, which spares it a first, wasted reading;
7. OCR once; only if the result looks wrong (low confidence, words standing on end, no
   common words) is the page read again, turned 180° (or by the quarter turn OSD picks
   when the words stand on end), and the better reading kept.

``Page`` conventions are those of ``extractors.base``; here ``width_px``/``height_px`` are
the upright, square-pixel image Tesseract read while ``dpi`` is what the source declared.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from extractors import form_lines, imaging
from extractors.base import IMAGE_TYPES, PDF, EngineContext
from extractors.ocr import MAX_VERTICAL_SHARE, OcrResult, ocr, osd_turn
from extractors.rasterize import load_page
from models.document import Page
from models.vocab import TextSource

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

log = logging.getLogger(__name__)

#: Resample to at least this resolution before OCR. Measured on 17 generated fax pages:
#: 204 → 300 dpi brought no accuracy (word recall 0.873 → 0.870 normal, 0.971 → 0.961 fine)
#: for +35 % Tesseract time, so it is off.
MIN_OCR_DPI = 0.0
#: Median-filter fax-"normal" pages (vertical resolution below this) after squaring: word
#: recall 0.873 → 0.918 for +1 % time. On fax-fine pages it hurt (0.971 → 0.899): off there.
#: Pages whose strokes are thin (``imaging.thin_strokes``: small fonts) only lose their
#: isolated specks instead: the median erased 7–8 pt text.
DESPECKLE_BELOW_YDPI = 150.0
#: ``imaging.sideways_score`` above which OSD is asked whether the page is turned.
SIDEWAYS_RATIO = 1.0
#: Erase form rules and box borders from Tesseract's copy of the page
#: (``extractors.form_lines``); the saved page image keeps them.
ERASE_FORM_LINES = True


def _turn_cw(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by a multiple of 90°."""
    return imaging.rotate(gray, -degrees) if degrees % 360 else gray


def _quarter_turn(small: np.ndarray) -> int | None:
    """90 or 270 when the sideways page, turned 90°, clearly reads upright or upside down.

    The lean of its text lines (``imaging.ascender_share``) answers in a few ms what OSD
    answers in ~0.5 s; when it cannot tell (few lines, capitals only), OSD is asked.
    """
    turned = _turn_cw(small, 90)
    if imaging.clearly_upright(turned):
        return 90
    return 270 if imaging.upside_down(turned) else None


def _better(first: OcrResult, second: OcrResult) -> bool:
    """True when ``second`` is the more believable reading of the page."""
    if second.looks_wrong() != first.looks_wrong():
        return not second.looks_wrong()
    return (second.confidence or 0.0) > (first.confidence or 0.0)


def _second_tries(
    result: OcrResult, gray: np.ndarray, dpi: float, ctx: EngineContext, *, sideways: bool
) -> list[int]:
    """Clockwise turns worth a second OCR when the first reading looks wrong.

    Words standing on end mean a quarter turn: OSD picks it, or both are tried; a sideways
    page whose OSD before OCR found no answer (``sideways``) goes straight to both turns.
    Otherwise the page is upright or upside down, since the sideways test ran before OCR: a
    second OCR at 180° (~0.6 s) answers that as cheaply as OSD would, and more surely.
    """
    if sideways:  # OSD already had no answer before OCR: asking again costs ~1 s for nothing
        return [90, 270]
    if result.vertical_share > MAX_VERTICAL_SHARE:
        turn = osd_turn(gray, dpi, ctx)
        return [turn] if turn else [90, 270]
    return [180]


class TesseractEngine:
    """Reads any page by OCR; the fallback for PDFs and the only engine for images."""

    name = "tesseract"

    def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int | None:
        """10 for every supported type: lower than a usable PDF text layer."""
        return 10 if media_type == PDF or media_type in IMAGE_TYPES else None

    def read_page(self, path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
        """Prepare the page image, OCR it, and return words in reading order.

        Raises:
            Rejected: ``CORRUPT_FILE`` (page cannot be decoded) or ``OCR_FAILED``.
            Transient: ``OCR_TIMEOUT``, or Tesseract killed by a signal.
        """
        started = time.perf_counter()
        raster = load_page(path, media_type, page_no, pdf_dpi=ctx.ocr_dpi)
        raw, normal = raster.gray, raster.dpi[1] < DESPECKLE_BELOW_YDPI < raster.dpi[0]
        thin = normal and imaging.thin_strokes(raw)  # a median would erase a small font
        if thin:  # specks only, on the unsquared page (half the pixels)
            raw = imaging.remove_specks(raw, max_area=2)
        gray, dpi = imaging.square_pixels(raw, raster.dpi, min_dpi=MIN_OCR_DPI)
        if normal and not thin:
            gray = imaging.despeckle(gray)
        small = imaging.analysis_copy(gray)
        if imaging.is_blank(small):
            log.debug("page %d blank, OCR skipped", page_no)
            return self._page(page_no, raster.dpi, 0, gray, dpi, ctx, bilevel=raster.bilevel)
        turn = 0
        sideways = imaging.sideways_score(small) > SIDEWAYS_RATIO
        if sideways:
            turn = _quarter_turn(small) or osd_turn(gray, dpi, ctx) or 0
            if turn:
                gray = _turn_cw(gray, turn)
                small = _turn_cw(small, turn)
        points = imaging.ink_points(small)
        skew = imaging.estimate_skew(points)
        if abs(skew) >= imaging.MIN_DESKEW_DEG:
            gray = imaging.rotate(gray, -skew)
        else:
            skew = 0.0
        if not sideways and imaging.upside_down(gray):  # read it turned first, not twice
            gray, turn = _turn_cw(gray, 180), 180
        readable = imaging.invert_dark_bands(gray)  # white-on-dark titles read as dark-on-light
        clean = form_lines.erase_lines(readable) if ERASE_FORM_LINES else readable
        result = ocr(clean, ctx, bilevel=raster.bilevel)
        calls = 1
        if result.looks_wrong():
            base, base_clean, base_turn = gray, clean, turn
            candidates = _second_tries(result, gray, dpi, ctx, sideways=sideways and not turn)
            best_extra = 0
            for extra in candidates:
                second = ocr(_turn_cw(base_clean, extra), ctx, bilevel=raster.bilevel)
                calls += 1
                if _better(result, second):
                    result, turn, best_extra = second, (base_turn + extra) % 360, extra
            gray = _turn_cw(base, best_extra)
        log.debug(
            "page %d OCR: %d words, conf %.2f, turn %d, skew %.2f, %d calls, %.2f s",
            page_no,
            len(result.words),
            result.confidence or 0.0,
            turn,
            skew,
            calls,
            time.perf_counter() - started,
        )
        return self._page(
            page_no,
            raster.dpi,
            -turn % 360,
            gray,
            dpi,
            ctx,
            bilevel=raster.bilevel,
            result=result,
            skew=skew,
        )

    @staticmethod
    def _page(
        page_no: int,
        source_dpi: tuple[float, float],
        rotation: int,
        gray: np.ndarray,
        dpi: float,
        ctx: EngineContext,
        *,
        bilevel: bool = False,
        result: OcrResult | None = None,
        skew: float = 0.0,
    ) -> Page:
        """Build the ``Page`` and save the upright page image for the review UI."""
        image_path = None
        if ctx.workdir is not None:
            # A fax page (bilevel, ≤ 1.5× image_dpi) keeps its own pixels: no resampling
            # blur, a 1-bit PNG in a few ms. Anything else is reduced to ~image_dpi.
            keep = bilevel and dpi <= 1.5 * ctx.image_dpi
            preview = gray if keep else imaging.resize_to_dpi(gray, dpi, min(dpi, ctx.image_dpi))
            target = imaging.page_image_path(ctx.workdir, page_no)
            image_path = str(imaging.write_png_atomic(preview, target, bilevel=keep))
        height, width = gray.shape
        return Page(
            number=page_no,
            width_px=width,
            height_px=height,
            dpi=source_dpi,
            rotation=rotation % 360,
            skew_degrees=skew,
            text_source=TextSource.OCR if result is not None else TextSource.NONE,
            ocr_confidence=result.confidence if result is not None else None,
            image_path=image_path,
            words=result.words if result is not None else [],
        )
