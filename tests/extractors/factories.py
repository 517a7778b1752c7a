"""Builders for small real documents with known text and positions (reportlab, Pillow, gs)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

PAGE_W, PAGE_H = letter  # points

#: (label, value) rows drawn at LABEL_X / VALUE_X: a label and its value on one printed line.
FORM_ROWS = (
    ("Patient Name:", "Margaret Thompson"),
    ("Date of Birth:", "04/12/1958"),
    ("Referring Physician:", "Dr. Robert Chen"),
    ("Phone:", "(555) 214-7788"),
    ("Reason for Referral:", "Evaluation of chest pain"),
)
PARAGRAPH = (
    "Please see this patient at your earliest convenience.",
    "She has a history of hypertension and diabetes.",
    "Thank you for seeing her in the cardiology clinic.",
)
LABEL_X, VALUE_X, TOP_Y, ROW_STEP = 72, 260, 680, 30
FONT_SIZE = 13
PAGE_TWO = ("Clinical Notes", "Follow up in two weeks with fasting labs.")


@dataclass(frozen=True)
class Drawn:
    """Where a word was drawn, as page fractions (top-left origin)."""

    text: str
    x0: float
    y_mid: float


def value_position(row: int) -> Drawn:
    """Expected place of the first word of ``FORM_ROWS[row]``'s value."""
    baseline = TOP_Y - row * ROW_STEP
    word = FORM_ROWS[row][1].split()[0]
    return Drawn(word, VALUE_X / PAGE_W, (PAGE_H - baseline - FONT_SIZE * 0.35) / PAGE_H)


def write_form_pdf(path: Path, *, second_page: bool = False) -> Path:
    """A one- (or two-) page digital referral form with known text and positions."""
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(LABEL_X, 730, "Outpatient Referral")
    c.setFont("Helvetica", FONT_SIZE)
    for row, (label, value) in enumerate(FORM_ROWS):
        y = TOP_Y - row * ROW_STEP
        c.drawString(LABEL_X, y, label)
        c.drawString(VALUE_X, y, value)
    y = TOP_Y - len(FORM_ROWS) * ROW_STEP - 20
    for line in PARAGRAPH:
        c.drawString(LABEL_X, y, line)
        y -= 20
    c.showPage()
    if second_page:
        c.setFont("Helvetica", FONT_SIZE)
        c.drawString(LABEL_X, 700, PAGE_TWO[0])
        c.drawString(LABEL_X, 670, PAGE_TWO[1])
        c.showPage()
    c.save()
    return path


def render_gray(pdf: Path, dpi: int, page_no: int = 1) -> Image.Image:
    """Rasterize a PDF page (grayscale) as a stand-in for a scanned page."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page_no - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    image.info["dpi"] = (dpi, dpi)
    return image


def ghostscript(pdf: Path, out: Path, *args: str) -> Path:
    """Run Ghostscript to make fax TIFFs the way fax servers do (G3, 204×98)."""
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("ghostscript not installed")
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", *args, f"-sOutputFile={out}", str(pdf)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out


def ordered_in(text: str, phrases: list[str] | tuple[str, ...]) -> bool:
    """True when every phrase occurs in ``text`` after the previous one (OCR-tolerant order)."""
    pos = 0
    for phrase in phrases:
        found = text.find(phrase, pos)
        if found < 0:
            return False
        pos = found + len(phrase)
    return True


def blank_with_specks(size: tuple[int, int] = (1700, 2200), specks: int = 300) -> Image.Image:
    """A white page with isolated one-pixel fax noise: blank to a reader."""
    rng = np.random.default_rng(7)
    arr = np.full((size[1], size[0]), 255, np.uint8)
    arr[rng.integers(0, size[1], specks), rng.integers(0, size[0], specks)] = 0
    return Image.fromarray(arr)
