"""Rendering: reportlab for digital PDFs, Ghostscript for fax TIFFs and scan rasters.

Fax pages are rasterised by Ghostscript at the fax resolution (204 x 196 or 204 x 98) in
anti-aliased grey and then thresholded, the way a fax machine's scanner samples grey and
decides black/white. Ghostscript's own ``tiffg3`` device point-samples instead, which erases
thin strokes (Courier at 98 lpi became unreadable), so it is not used. Pillow adds the noise and
writes a multi-page Group 3 TIFF that keeps the non-square resolution in its tags.
"""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from samples.generate.kit import fax_header
from samples.generate.model import Doc
from samples.generate.noise import fax_page, scan_page

FAX_RES = {"fax_fine": 196, "fax_normal": 98}
_EPOCH = time.gmtime(0)


def pdf_bytes(doc: Doc, *, fax_stamp: str | None = None) -> bytes:
    """Draw every page; ``invariant=1`` keeps the bytes stable for a seed (no timestamps/IDs)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=letter, invariant=1, pageCompression=1)
    c.setTitle("Referral")
    n = len(doc.pages)
    for i, draw in enumerate(doc.pages, start=1):
        if fax_stamp:
            fax_header(c, fax_stamp, i, n)
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def stamp_text(doc: Doc, when: date, rng: random.Random) -> str | None:
    """The fax machine's transmit line, e.g. '03/04/2024 10:15  Lakeside FM  3125550147'."""
    if not doc.sender:
        return None
    name, fax = doc.sender
    clock = f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}"
    return f"{when:%m/%d/%Y} {clock}  {name[:28]}  {fax[2:]}"


def _gs(pdf: bytes, device: str, res: str, out: Path) -> None:
    """Rasterise with anti-aliasing (ignored by bilevel devices)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", f"-sDEVICE={device}",
                        f"-r{res}", "-dFIXEDMEDIA", "-sPAPERSIZE=letter", "-dTextAlphaBits=4",
                        "-dGraphicsAlphaBits=4",
                        f"-sOutputFile={out}", f.name], check=True, capture_output=True)


def write_fax_tiff(pdf: bytes, out: Path, variant: str, rotations: dict[int, int],
                   skews: dict[int, float], rng: random.Random) -> None:
    """PDF -> Ghostscript grey raster at 204 x 196|98 -> threshold + noise -> G3 TIFF."""
    yres = FAX_RES[variant]
    frames = [fax_page(page, yres, rotations.get(i, 0), skews.get(i, 0.0), rng)
              for i, page in enumerate(raster_pages(pdf, f"204x{yres}"), start=1)]
    frames[0].save(out, format="TIFF", compression="group3", dpi=(204, yres), save_all=True,
                   append_images=frames[1:])


def raster_pages(pdf: bytes, dpi: int | str) -> list[Image.Image]:
    """Grayscale rasters of every page at ``dpi`` ('200' or '204x98'), via Ghostscript."""
    with tempfile.TemporaryDirectory() as tmp:
        pattern = Path(tmp) / "p%03d.png"
        _gs(pdf, "pnggray", str(dpi), pattern)
        pages = []
        for p in sorted(Path(tmp).glob("p*.png")):
            with Image.open(p) as im:
                pages.append(im.copy())
        return pages


def write_scan(pdf: bytes, out: Path, kind: str, dpi: int, rotations: dict[int, int],
               skews: dict[int, float], rng: random.Random) -> None:
    """Scan-like raster outputs: 'png' / 'jpg' (first page only) or an image-only 'pdf'."""
    pages = [scan_page(p, rotations.get(i, 0), skews.get(i, 0.0), rng, grain=kind == "jpg")
             for i, p in enumerate(raster_pages(pdf, dpi), start=1)]
    if kind == "png":
        pages[0].save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    elif kind == "jpg":
        pages[0].save(out, format="JPEG", dpi=(dpi, dpi), quality=rng.randint(70, 88))
    else:  # image-only PDF: JPEG-compressed pages, no text layer; fixed dates for determinism
        pages[0].save(out, format="PDF", resolution=float(dpi), save_all=True,
                      append_images=pages[1:], title="scan", creationDate=_EPOCH,
                      modDate=_EPOCH, quality=75)
