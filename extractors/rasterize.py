"""Turn one page of a PDF, TIFF, PNG or JPEG into a grayscale pixel array.

PDF pages are rendered by PDFium in the sandbox process (:mod:`extractors.pdf_sandbox`):
a hostile PDF costs a child process, not the worker. Images are decoded here by Pillow,
whose pixel count ``sniff`` has already bounded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageOps

from extractors import pdf_sandbox
from extractors.base import PDF, TIFF
from models.errors import ErrorCode, Rejected

if TYPE_CHECKING:
    from pathlib import Path

#: Plausible scan resolutions; metadata outside this range is treated as missing.
_DPI_RANGE = (50.0, 1200.0)
#: Paper width assumed when an image carries no resolution (US Letter / A4 are close).
_ASSUMED_WIDTH_IN = 8.5


@dataclass(frozen=True)
class Raster:
    """A page as pixels, with the resolution the source declared.

    Attributes:
        gray: 8-bit grayscale, shape (height, width), 0 = black.
        dpi: (x, y) resolution of the source; fax "normal" is (204, 98).
        bilevel: The source pixels are black and white (fax TIFFs, 1-bit PNGs).
    """

    gray: np.ndarray
    dpi: tuple[float, float]
    bilevel: bool = False


def render_pdf_page(path: Path, page_no: int, dpi: float, *, turn: int = 0) -> Raster:
    """Render 1-based ``page_no`` at ``dpi`` in grayscale, in the PDF sandbox.

    Args:
        path: The PDF.
        page_no: 1-based page number.
        dpi: Render resolution.
        turn: Clockwise degrees to turn the page as a viewer shows it (its /Rotate is
            always applied).

    Raises:
        Rejected: ``CORRUPT_FILE`` if the page is missing or cannot be rendered,
            ``RESOURCE_LIMIT`` if rendering it exceeds the sandbox's memory or time.
    """
    gray = pdf_sandbox.render_gray(path, page_no, dpi, turn)
    return Raster(gray=gray, dpi=(float(dpi), float(dpi)))


def _declared_dpi(image: Image.Image) -> tuple[float, float]:
    """Resolution from the file's metadata, or a guess from the short side (US Letter)."""
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        x = y = 0.0
    lo, hi = _DPI_RANGE
    if lo <= x <= hi and lo <= y <= hi:
        return (round(x, 1), round(y, 1))  # PNG stores pixels/metre: 299.9994 → 300.0
    if lo <= x <= hi:
        return (round(x, 1), round(x, 1))
    guess = max(lo, min(hi, round(min(image.size) / _ASSUMED_WIDTH_IN)))
    return (float(guess), float(guess))


def _to_gray(frame: Image.Image) -> np.ndarray:
    """8-bit grayscale pixels; 16/32-bit and float scans are scaled, not clipped.

    Pillow's ``convert("L")`` clips a 16-bit scan at 255, which turns it almost white.
    """
    if frame.mode.startswith("I") or frame.mode == "F":
        values = np.asarray(frame, dtype=np.float64)
        top = 65535.0 if frame.mode.startswith("I;16") or values.max() > 255 else 255.0
        return np.clip(values * (255.0 / top), 0, 255).astype(np.uint8)
    return np.asarray(frame.convert("L"), dtype=np.uint8).copy()


def load_image_page(path: Path, media_type: str, page_no: int) -> Raster:
    """Decode one frame of a TIFF (``page_no`` 1-based) or a PNG/JPEG as grayscale.

    JPEG EXIF orientation is applied because phone photos of referrals rely on it.
    ``sniff`` has already bounded the pixel count, so Pillow's bomb warning is silenced.

    Raises:
        Rejected: ``CORRUPT_FILE`` if the frame is missing or cannot be decoded.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if media_type == TIFF:
                    image.seek(page_no - 1)
                elif page_no != 1:
                    raise Rejected("page number out of range", code=ErrorCode.CORRUPT_FILE)
                dpi = _declared_dpi(image)
                bilevel = image.mode == "1"
                image.load()
                frame = ImageOps.exif_transpose(image) if media_type != TIFF else image
                if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
                    background = Image.new("RGB", frame.size, (255, 255, 255))
                    background.paste(frame.convert("RGBA"), mask=frame.convert("RGBA"))
                    frame = background
                gray = _to_gray(frame)
    except Rejected:
        raise
    except (OSError, EOFError, ValueError, SyntaxError) as exc:
        raise Rejected("image frame cannot be decoded", code=ErrorCode.CORRUPT_FILE) from exc
    return Raster(gray=gray, dpi=dpi, bilevel=bilevel)


def load_page(path: Path, media_type: str, page_no: int, *, pdf_dpi: float) -> Raster:
    """Pixels of one page of any supported file; PDFs are rendered at ``pdf_dpi``."""
    if media_type == PDF:
        return render_pdf_page(path, page_no, pdf_dpi)
    return load_image_page(path, media_type, page_no)
