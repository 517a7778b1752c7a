"""From painted pages to files: digital PDF, Group 3 fax TIFFs, and grey scans.

Faxes are rasterised by Ghostscript in anti-aliased grey at the fax resolution and then
thresholded the way a fax scanner does, so thin strokes may vanish; speckle, dropouts,
occasional streaks, slight skew and a transmit header line follow. Scans are grey at
200-300 dpi with paper tone, noise, blur, skew and some pages turned by quarter or half turns.
"""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen.canvas import Canvas

from samples.heldout.draw import PAGE_H, PAGE_W, Pen

Painter = Callable[[Pen], None]
_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")


def pdf_bytes(painters: list[Painter], family: str, size: float) -> bytes:
    """Paint each page with a fresh pen; returns the PDF (with a text layer)."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), pageCompression=1, invariant=1)
    for paint in painters:
        paint(Pen(canvas, family, size))
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def rasterize(pdf: bytes, xdpi: int, ydpi: int) -> list[Image.Image]:
    """Anti-aliased grey pages at the given resolution (Ghostscript)."""
    with tempfile.TemporaryDirectory(prefix="hx-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray",
             f"-r{xdpi}x{ydpi}", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
             f"-sOutputFile={tmp}/p-%03d.png", str(src)],
            check=True, capture_output=True,
        )  # fmt: skip
        pages = []
        for path in sorted(Path(tmp).glob("p-*.png")):
            with Image.open(path) as im:
                pages.append(im.convert("L").copy())
        return pages


def _header(page: Image.Image, text: str, ydpi: int) -> Image.Image:
    """Stamp a fax transmit line at the top (drawn square, squashed for 98 lpi)."""
    strip = Image.new("L", (page.width, 26), 255)
    font = ImageFont.truetype(str(_MONO), 15) if _MONO.exists() else ImageFont.load_default()
    ImageDraw.Draw(strip).text((20, 4), text, fill=0, font=font)
    if ydpi < 150:
        strip = strip.resize((page.width, 13))
    page = page.copy()
    page.paste(strip, (0, 0))
    return page


def fax_pages(
    pages: list[Image.Image], rng: random.Random, ydpi: int, station: str, when: str
) -> tuple[list[Image.Image], dict[int, int]]:
    """Bilevel fax pages with artefacts; returns pages and {page: clockwise degrees}."""
    out, rotations = [], {}
    threshold = rng.randrange(105, 150) if ydpi > 150 else rng.randrange(125, 165)
    for i, page in enumerate(pages, 1):
        page = page.rotate(rng.uniform(-0.7, 0.7), resample=Image.BILINEAR, fillcolor=255)
        if rng.random() < 0.04:
            page = page.rotate(180)
            rotations[i] = 180
        page = _header(page, f"{when}  FROM: {station[:28].upper()}  P.{i:03d}/{len(pages):03d}",
                       ydpi)  # fmt: skip
        arr = np.asarray(page) >= threshold  # True = white
        noise = np.random.default_rng(rng.randrange(2**32))
        arr &= noise.random(arr.shape) > rng.uniform(0.0003, 0.0015)  # speckle
        arr |= noise.random(arr.shape) < rng.uniform(0.0, 0.01)  # dropouts in strokes
        if rng.random() < 0.25:
            col = rng.randrange(arr.shape[1])
            arr[:, col : col + rng.randrange(1, 3)] = False  # dirty-glass streak
        if rng.random() < 0.2:
            row = rng.randrange(arr.shape[0])
            arr[row : row + rng.randrange(2, 6), :] = True  # lost scan lines
        out.append(Image.fromarray(arr.astype(np.uint8) * 255).convert("1"))
    return out, rotations


def save_tiff(pages: list[Image.Image], path: Path, ydpi: int) -> None:
    """Multi-page Group 3 TIFF with its resolution tags."""
    pages[0].save(path, format="TIFF", compression="group3", dpi=(204, ydpi), save_all=True,
                  append_images=pages[1:])  # fmt: skip


def scan_pages(
    pages: list[Image.Image], rng: random.Random
) -> tuple[list[Image.Image], dict[int, int]]:
    """Grey scans: paper tone, blur, noise, skew, some pages sideways or upside down."""
    out, rotations = [], {}
    noise = np.random.default_rng(rng.randrange(2**32))
    for i, page in enumerate(pages, 1):
        arr = np.asarray(page).astype(np.float32) * rng.uniform(0.82, 0.92) + rng.uniform(12, 30)
        arr = cv2.GaussianBlur(arr, (3, 3), rng.uniform(0.3, 0.9))
        arr += noise.normal(0, rng.uniform(3, 8), arr.shape)
        page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        page = page.rotate(rng.uniform(-2.0, 2.0), resample=Image.BILINEAR, expand=True,
                           fillcolor=int(rng.uniform(200, 235)))  # fmt: skip
        if rng.random() < 0.15:
            degrees = rng.choice((90, 180, 270))
            page = page.rotate(-degrees, expand=True)  # content turned clockwise
            rotations[i] = degrees
        out.append(page)
    return out, rotations


def save_scan(pages: list[Image.Image], path: Path, dpi: int) -> None:
    """Image-only PDF, PNG or JPEG by the path's ending."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages[0].save(path, format="PDF", resolution=float(dpi), save_all=True,
                      append_images=pages[1:])  # fmt: skip
    elif suffix == ".png":
        pages[0].save(path, format="PNG", dpi=(dpi, dpi))
    else:
        pages[0].save(path, format="JPEG", quality=80, dpi=(dpi, dpi))
