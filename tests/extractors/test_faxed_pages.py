"""Faxed pages the generator never made: white-on-dark title bars and small-font letters.

Both are fax-like bilevel TIFFs drawn with PIL and read by real Tesseract: an EHR printout's
title in white on a black bar must be read (it was lost, and with it the page's evidence),
and a letter in a 6 pt font faxed at 204×98 dpi must not be skipped as a blank page.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import imaging
from extractors.base import EngineContext
from extractors.tesseract import TesseractEngine
from tests.extractors.factories import blank_with_specks, ghostscript

if TYPE_CHECKING:
    from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
DPI = 204


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (int(8.5 * DPI), int(11 * DPI)), 255)
    return image, ImageDraw.Draw(image)


def _font(path: str, points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, round(points * DPI / 72))


def _fax(image: Image.Image, path: Path, *, normal: bool) -> Path:
    """Threshold like a fax machine and, for "normal" resolution, halve the rows."""
    ink = np.asarray(image) < 160
    bilevel = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).convert("1")
    ydpi = 98 if normal else 196
    if normal:
        bilevel = bilevel.resize((bilevel.width, bilevel.height * 98 // DPI), Image.NEAREST)
    bilevel.save(path, compression="group4", dpi=(DPI, ydpi))
    return path


def _banded_order(path: Path) -> Path:
    """An EHR 'referral order' printout: title and a section heading white on black bars."""
    image, draw = _canvas()
    left, right = 120, image.width - 120
    draw.rectangle((left, 150, right, 250), fill=0)
    draw.text((left + 30, 168), "OUTPATIENT REFERRAL ORDER", font=_font(BOLD, 18), fill=255)
    body = _font(FONT, 11)
    y = 320
    for line in ("Patient: Walters, Henrietta   DOB: 02/14/1957", "MRN: 4471203"):
        draw.text((left, y), line, font=body, fill=0)
        y += 60
    draw.rectangle((left, y + 20, right, y + 90), fill=0)
    draw.text((left + 20, y + 32), "Requesting Provider", font=_font(BOLD, 13), fill=255)
    draw.text((left, y + 130), "Dr. Oscar Lindqvist, MD  NPI 1234567893", font=body, fill=0)
    return _fax(image, path, normal=False)


def _small_letter(path: Path) -> Path:
    """A short referral letter in a 6 pt font, faxed at normal resolution."""
    image, draw = _canvas()
    font = _font(FONT, 6)
    lines = [
        "Dear Colleague,",
        "Thank you for seeing my patient Jane Doe, DOB 03/04/1961, for progressive knee pain.",
        "She has failed physiotherapy and two injections; I would value your opinion on surgery.",
        "Sincerely, Dr. Alan Smith, MD",
    ] * 2
    y = 200
    for line in lines:
        draw.text((150, y), line, font=font, fill=0)
        y += 26
    return _fax(image, path, normal=True)


def test_dark_band_is_inverted_and_everything_else_kept() -> None:
    page = np.full((1100, 850), 255, np.uint8)
    page[100:130, 60:790] = 0  # a title bar…
    page[108:122, 100:140] = 255  # …with a white letter in it
    page[300:302, 60:790] = 0  # a rule: too thin to be a band
    page[400:420, 60:80] = 0  # a filled checkbox: too narrow
    page[500:560, 60:790] = 0
    page[502:558, 62:788] = 255  # an empty box: its outline is not a band
    out = imaging.invert_dark_bands(page)
    assert out[115, 400] == 255 and out[115, 120] == 0  # bar white, letter black
    assert (out[300:302, 60:790] == 0).all()
    assert (out[400:420, 60:80] == 0).all()
    assert (out[500:560, 60:790] == page[500:560, 60:790]).all()


def test_page_without_bands_is_not_copied() -> None:
    page = np.full((1100, 850), 255, np.uint8)
    page[300:302, 60:790] = 0
    assert imaging.invert_dark_bands(page) is page


def test_dark_text_on_a_grey_bar_is_left_alone() -> None:
    page = np.full((1100, 850), 255, np.uint8)
    page[100:130, 60:790] = 90  # a mid-grey bar (dark for the mask)…
    page[108:122, 100:140] = 0  # …with black letters: nothing light inside
    assert imaging.invert_dark_bands(page) is page


def test_white_on_dark_titles_are_read(tmp_path: Path) -> None:
    tiff = _banded_order(tmp_path / "order.tif")
    page = TesseractEngine().read_page(tiff, "image/tiff", 1, EngineContext())
    text = " ".join(page.text().split()).casefold()
    assert "referral order" in text
    assert "requesting provider" in text
    assert "walters" in text  # dark-on-light text is still read


def test_small_font_faxed_letter_is_not_blank(tmp_path: Path) -> None:
    tiff = _small_letter(tmp_path / "letter.tif")
    assert not imaging.is_blank(imaging.analysis_copy(_squared(tiff)))
    page = TesseractEngine().read_page(tiff, "image/tiff", 1, EngineContext())
    assert not page.is_blank
    assert "colleague" in page.text().casefold()


@pytest.mark.parametrize("specks", [300, 20_000])
def test_speckled_page_is_still_blank(specks: int) -> None:
    assert imaging.is_blank(np.asarray(blank_with_specks(specks=specks)))


def _squared(tiff: Path) -> np.ndarray:
    gray = np.asarray(Image.open(tiff).convert("L"))
    squared, _ = imaging.square_pixels(gray, (DPI, 98.0))
    return imaging.despeckle(squared)


SMALL_FORM = [
    "Patient Name: Henrietta Walters      Date of Birth: 02/14/1957",
    "Address: 1452 Maple Grove Avenue, Springfield, IL 62704",
    "Member ID: XQZ448812093   Group Number: 7730415   Payer: Blue Cross Blue Shield",
    "Referring Physician: Oscar Lindqvist, MD   NPI: 1234567893",
    "Reason for referral: right hip pain for six months despite physiotherapy and injections",
]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]{2,}", text)


def test_8pt_form_faxed_at_normal_resolution_is_read(tmp_path: Path) -> None:
    pdf = tmp_path / "small.pdf"
    c = canvas.Canvas(str(pdf), pagesize=letter)
    c.setFont("Helvetica", 8)
    for i, line in enumerate(SMALL_FORM * 2):
        c.drawString(50, 720 - i * 13, line)
    c.showPage()
    c.save()
    tiff = ghostscript(pdf, tmp_path / "small.tif", "-sDEVICE=tiffg3", "-r204x98")
    assert imaging.thin_strokes(np.asarray(Image.open(tiff).convert("L")))
    page = TesseractEngine().read_page(tiff, "image/tiff", 1, EngineContext())
    truth, read = Counter(_words(" ".join(SMALL_FORM * 2))), Counter(_words(page.text()))
    recall = sum(min(n, read[w]) for w, n in truth.items()) / sum(truth.values())
    assert recall >= 0.9  # the 3×3 median read 0.51 of these words


def test_remove_specks_keeps_strokes_and_drops_dots() -> None:
    page = np.full((200, 200), 255, np.uint8)
    page[50:52, 20:180] = 0  # a thin stroke
    page[100, 100] = 0  # a speck
    page[150:152, 150] = 0  # a two-pixel speck
    out = imaging.remove_specks(page)
    assert (out[50:52, 20:180] == 0).all()
    assert out[100, 100] == 255 and (out[150:152, 150] == 255).all()


def test_thick_strokes_are_not_thin() -> None:
    page = np.full((200, 200), 255, np.uint8)
    for x in range(20, 180, 6):
        page[40:60, x : x + 2] = 0  # vertical strokes: long runs down a column
        page[80:83, x : x + 4] = 0  # a three-row-high bar
    assert not imaging.thin_strokes(page)
    page[120:121, 10:190] = 0  # one-row lines everywhere: thin
    page[130:131, 10:190] = 0
    page[140:141, 10:190] = 0
    page[150:151, 10:190] = 0
    assert imaging.thin_strokes(page)
