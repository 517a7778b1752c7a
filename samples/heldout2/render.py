"""From the drawn PDF to a variant: digital PDF, G3/G4 fax TIFF, or a grey/bitonal scan."""

from __future__ import annotations

import random
import time
from datetime import date
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FAX_DPI = {"fax_fine": (204, 196), "fax_normal": (204, 98)}
_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def _pages(pdf: bytes, dpi: float) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def _skew(img: Image.Image, angle: float) -> Image.Image:
    """Rotate content ``angle`` degrees counter-clockwise on white."""
    return img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)


def _noise(rng: random.Random, arr: np.ndarray, amount: float) -> np.ndarray:
    gen = np.random.default_rng(rng.randrange(2**32))
    out = arr.astype(np.int16) + gen.normal(0, amount, arr.shape).astype(np.int16)
    return np.clip(out, 0, 255).astype(np.uint8)


def _turn(img: Image.Image, degrees: int, *, keep_portrait: bool) -> Image.Image:
    """Content turned ``degrees`` clockwise; a fax machine shrinks a landscape page to its width."""
    if not degrees:
        return img
    turned = img.rotate(-degrees, expand=True, fillcolor=255)
    if not keep_portrait or turned.size == img.size:
        return turned
    scale = img.width / turned.width
    turned = turned.resize((img.width, round(turned.height * scale)), Image.LANCZOS)
    page = Image.new("L", img.size, 255)
    page.paste(turned, (0, 0))
    return page


def _fax_page(
    rng: random.Random, img: Image.Image, ydpi: int, header: str, *, turn: int
) -> Image.Image:
    """Resample to fax lines, threshold, then speckle, dropouts and the transmit header."""
    img = _turn(img, turn, keep_portrait=True)  # fed the wrong way: the header does not turn
    img = img.resize((img.width, round(img.height * ydpi / 204)), Image.LANCZOS)
    arr = _noise(rng, np.asarray(img), rng.uniform(4, 14))
    bw = arr > rng.randint(135, 185)
    gen = np.random.default_rng(rng.randrange(2**32))
    speck = gen.random(bw.shape) < rng.uniform(0.0002, 0.0012)
    bw = np.where(speck, ~bw, bw)
    for _ in range(rng.randint(0, 2)):  # a white dropout line, as a bad scan head makes
        row = rng.randrange(40, bw.shape[0] - 1)
        bw[row : row + 1, :] = True
    page = Image.fromarray((bw * 255).astype(np.uint8), "L")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(_MONO, max(12, round(16 * ydpi / 196 + 4)))
    draw.rectangle((0, 0, page.width, round(26 * ydpi / 196 + 6)), fill=255)
    draw.text((30, 2), header, fill=0, font=font)
    return page.convert("1")


def fax_header(rng: random.Random, sent: date, sender_fax: str, page: int, total: int) -> str:
    """A transmit line: time, sender, page count (dates here are not field values)."""
    when = f"{sent.strftime('%b-%d-%Y').upper()} {rng.randint(7, 18):02d}:{rng.randrange(60):02d}"
    who = (
        f"({sender_fax[2:5]}) {sender_fax[5:8]}-{sender_fax[8:]}"
        if sender_fax[:2] == "+1"
        else (sender_fax or "FAX")
    )
    return f"{when}  FROM: {who}    P.{page:03d}/{total:03d}"


def render(
    out: Path, stem: str, variant: str, pdf: bytes, rng: random.Random, sent: date, sender_fax: str
) -> tuple[str, dict]:
    """Write the variant file; return its name and the truth's render keys."""
    if variant == "digital":
        path = out / f"{stem}.pdf"
        path.write_bytes(pdf)
        return path.name, {"rotations": {}, "skew_degrees": {}}
    if variant in FAX_DPI:
        xdpi, ydpi = FAX_DPI[variant]
        pages = _pages(pdf, xdpi)
        skews, rotations, faxed = {}, {}, []
        for i, img in enumerate(pages, start=1):
            angle = round(rng.uniform(-1.2, 1.2), 2) if rng.random() < 0.6 else 0.0
            if angle:
                img = _skew(img, angle)
                skews[str(i)] = angle
            turns = (180, 90, 270) if variant == "fax_fine" else (180,)
            turn = rng.choice(turns) if rng.random() < 0.05 else 0
            if turn:
                rotations[str(i)] = turn
            header = fax_header(rng, sent, sender_fax, i, len(pages))
            page = _fax_page(rng, img, ydpi, header, turn=turn)
            faxed.append(page)
        path = out / f"{stem}.tif"
        compression = "group4" if rng.random() < 0.5 else "group3"
        faxed[0].save(
            path, save_all=True, append_images=faxed[1:], compression=compression, dpi=(xdpi, ydpi)
        )
        return path.name, {
            "resolution_dpi": [xdpi, ydpi],
            "compression": compression,
            "rotations": rotations,
            "skew_degrees": skews,
        }
    return _scan(out, stem, pdf, rng)


def _scan(out: Path, stem: str, pdf: bytes, rng: random.Random) -> tuple[str, dict]:
    """Grey (or bitonal) office-scanner pages, slightly skewed, with paper tone and noise."""
    dpi = rng.choice((200, 240, 300))
    bitonal = rng.random() < 0.25
    pages, skews, rotations = [], {}, {}
    for i, img in enumerate(_pages(pdf, dpi), start=1):
        angle = round(rng.uniform(-2.0, 2.0), 2)
        img = _skew(img, angle)
        skews[str(i)] = angle
        if rng.random() < 0.04:
            rotations[str(i)] = rng.choice((90, 180, 270))
            img = _turn(img, rotations[str(i)], keep_portrait=False)
        if rng.random() < 0.5:
            img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
        arr = np.asarray(img).astype(np.float32)
        paper = rng.uniform(228, 250)
        arr = arr * (paper / 255.0)
        arr = _noise(rng, arr.astype(np.uint8), rng.uniform(3, 9))
        page = Image.fromarray(arr, "L")
        if bitonal:
            threshold = rng.randint(140, 180)
            page = page.point(lambda v, t=threshold: 255 if v > t else 0).convert("1")
        pages.append(page)
    keys = {
        "resolution_dpi": [dpi, dpi],
        "rotations": rotations,
        "skew_degrees": skews,
        "bitonal": bitonal,
    }
    if len(pages) == 1 and rng.random() < 0.4:
        ext = rng.choice(("png", "jpg")) if not bitonal else "png"
        path = out / f"{stem}.{ext}"
        if ext == "jpg":
            pages[0].save(path, quality=rng.randint(70, 90), dpi=(dpi, dpi))
        else:
            pages[0].save(path, dpi=(dpi, dpi))
        return path.name, keys
    path = out / f"{stem}.pdf"
    fixed = time.gmtime(1767225600)  # reproducible bytes: no wall-clock dates
    pages[0].save(
        path,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=dpi,
        creationDate=fixed,
        modDate=fixed,
    )
    return path.name, keys
