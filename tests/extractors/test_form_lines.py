"""Form ruling lines: boxed values on a faxed form are read once the box borders are erased.

On a fax-fine page Tesseract 5.3 dropped the name and date of birth printed inside boxes (it
took the borders hugging them for separators); the same page with the borders erased reads
every value. The saved page image keeps the lines for reviewers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import form_lines
from extractors.base import EngineContext
from extractors.tesseract import TesseractEngine
from tests.extractors.factories import blank_with_specks, ghostscript, render_gray

if TYPE_CHECKING:
    from pathlib import Path

    from models.document import Page

#: (label, value, x, y): label above, value inside a 220×20 pt box at (x, y), PDF points.
BOXES = (
    ("Name", "Mercer, Devin W.", 72, 640),
    ("D.O.B.", "04-06-1971", 320, 640),
    ("Sex", "Male", 72, 590),
    ("Home Phone", "404-555-0118", 320, 590),
    ("MRN", "88645416", 72, 540),
)


def write_boxed_form(path: Path) -> Path:
    """A referral form whose values sit in bordered boxes under their labels."""
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Times-Bold", 18)
    c.drawString(72, 700, "REFERRAL / CONSULT ORDER")
    c.setLineWidth(1.2)
    c.line(72, 685, 540, 685)
    for label, value, x, y in BOXES:
        c.setFont("Times-Roman", 10)
        c.drawString(x + 2, y + 24, label)
        c.rect(x, y, 220, 20)
        c.setFont("Times-Roman", 11)
        c.drawString(x + 4, y + 6, value)
    c.setFont("Times-Roman", 11)
    c.drawString(72, 480, "Reason for referral: thyroid nodule on ultrasound, please evaluate.")
    c.drawString(72, 440, "Provider signature:")
    c.line(175, 438, 400, 438)
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def boxed_fax(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The boxed form as a fax-fine (204×196 dpi) G3 TIFF."""
    folder = tmp_path_factory.mktemp("boxed")
    pdf = write_boxed_form(folder / "boxed.pdf")
    return ghostscript(pdf, folder / "boxed.tif", "-sDEVICE=tiffg3", "-r204x196")


@pytest.fixture(scope="module")
def boxed_page(boxed_fax: Path, tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The faxed boxed form, read once (page image saved)."""
    ctx = EngineContext(workdir=tmp_path_factory.mktemp("boxed_pages"))
    return TesseractEngine().read_page(boxed_fax, "image/tiff", 1, ctx)


def test_boxed_values_are_read(boxed_page: Page) -> None:
    text = boxed_page.text()
    for label, value, _, _ in BOXES:
        assert label in text
        assert value in text


def test_signature_line_costs_no_words(boxed_page: Page) -> None:
    text = boxed_page.text()
    assert "Provider signature" in text
    assert "thyroid nodule on ultrasound" in text


def test_review_image_keeps_the_lines(boxed_page: Page) -> None:
    assert boxed_page.image_path is not None
    with Image.open(boxed_page.image_path) as image:
        gray = np.asarray(image.convert("L"))
    mask = form_lines.line_mask(gray)
    assert mask is not None
    # Five boxes (two sides of ~0.3 in and two of ~3 in each) plus two rules, at ~200 dpi.
    assert cv2.countNonZero(mask) > 5 * 2 * 600


def test_page_without_lines_is_returned_unchanged(form_pdf: Path) -> None:
    gray = np.asarray(render_gray(form_pdf, 200))
    assert form_lines.line_mask(gray) is None
    assert form_lines.erase_lines(gray) is gray
    blank = np.asarray(blank_with_specks())
    assert form_lines.erase_lines(blank) is blank


def _drawn_page() -> tuple[np.ndarray, dict[str, tuple[slice, slice]]]:
    """A 200 dpi page with a box around text, a checkbox, a lone underline and fax streaks."""
    page = np.full((2200, 1700), 255, np.uint8)
    cv2.rectangle(page, (200, 400), (900, 460), 0, 3)  # value box
    cv2.putText(page, "Mercer Devin", (215, 445), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
    cv2.rectangle(page, (200, 600), (228, 628), 0, 2)  # checkbox
    cv2.putText(page, "Urgent", (240, 627), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    cv2.line(page, (200, 800), (700, 800), 0, 2)  # signature line
    cv2.putText(page, "Referral Thyroid Nodule", (200, 1000), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 4)
    cv2.line(page, (0, 1200), (1699, 1200), 0, 2)  # horizontal fax streak
    cv2.line(page, (1300, 0), (1300, 2199), 0, 2)  # vertical fax streak
    regions = {
        "box_top": (slice(396, 405), slice(200, 901)),
        "box_side": (slice(405, 456), slice(196, 205)),
        "box_text": (slice(415, 452), slice(210, 890)),
        "checkbox": (slice(596, 632), slice(196, 232)),
        "signature": (slice(796, 805), slice(200, 701)),
        "bold_text": (slice(950, 1010), slice(190, 800)),
        "streaks": (slice(1190, 1210), slice(0, 1700)),
        "vertical_streak": (slice(1400, 2000), slice(1296, 1305)),
    }
    return page, regions


def test_lines_are_erased_and_text_checkboxes_and_streaks_kept() -> None:
    page, regions = _drawn_page()
    clean = form_lines.erase_lines(page)
    assert clean is not page
    assert page.min() == 0  # the input is not modified

    def ink(image: np.ndarray, name: str) -> int:
        return int((image[regions[name]] < 128).sum())

    for name in ("box_top", "box_side", "signature"):
        assert ink(page, name) > 0
        assert ink(clean, name) == 0, name
    for name in ("box_text", "checkbox", "bold_text", "streaks", "vertical_streak"):
        assert ink(clean, name) == ink(page, name), name
