"""Tesseract engine on real pages: scans, fax TIFFs, rotation, skew, blanks and failures.

Each OCR run costs about a second, so every page is read once per module and the result is
shared by the tests that inspect it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytesseract
import pytest
from PIL import Image

from extractors.base import EngineContext
from extractors.tesseract import TesseractEngine
from models.errors import ErrorCode, Rejected, Transient
from models.vocab import TextSource
from tests.extractors.factories import (
    FORM_ROWS,
    PAGE_TWO,
    blank_with_specks,
    ordered_in,
    render_gray,
    value_position,
)

if TYPE_CHECKING:
    from pathlib import Path

    from models.document import Page

ENGINE = TesseractEngine()
KEY_PHRASES = [
    "Patient Name",
    "Margaret Thompson",
    "Date of Birth",
    "04/12/1958",
    "Robert Chen",
    "chest pain",
    "hypertension and diabetes",
]


@pytest.fixture(scope="module")
def scan_page(form_png: Path, tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The form scanned at 300 dpi, read once."""
    ctx = EngineContext(workdir=tmp_path_factory.mktemp("scan"))
    return ENGINE.read_page(form_png, "image/png", 1, ctx)


@pytest.fixture(scope="module")
def fax_page(fax_tiff: Path, tmp_path_factory: pytest.TempPathFactory) -> Page:
    """Page 1 of the fax-normal TIFF, read once."""
    ctx = EngineContext(workdir=tmp_path_factory.mktemp("fax"))
    return ENGINE.read_page(fax_tiff, "image/tiff", 1, ctx)


def test_words_have_page_boxes_and_confidences(scan_page: Page) -> None:
    assert scan_page.text_source is TextSource.OCR
    assert len(scan_page.words) > 30
    for word in scan_page.words:
        assert word.text.strip() == word.text != ""
        assert 0.0 <= word.box.x0 <= word.box.x1 <= 1.0
        assert 0.0 <= word.box.y0 <= word.box.y1 <= 1.0
        assert 0.0 <= word.confidence <= 1.0
    assert scan_page.ocr_confidence is not None and scan_page.ocr_confidence > 0.8


def test_key_phrases_in_order(scan_page: Page) -> None:
    assert ordered_in(scan_page.text(), KEY_PHRASES)


def test_label_and_value_share_a_line(scan_page: Page) -> None:
    lines = scan_page.text().splitlines()
    for label, value in FORM_ROWS:
        assert any(label in line and value in line for line in lines), (label, value)


def test_known_word_box_is_where_it_was_drawn(scan_page: Page) -> None:
    drawn = value_position(0)
    word = next(w for w in scan_page.words if w.text == drawn.text)
    assert word.box.x0 == pytest.approx(drawn.x0, abs=0.02)
    assert word.box.cy == pytest.approx(drawn.y_mid, abs=0.02)


def test_scan_geometry_and_page_image(scan_page: Page) -> None:
    assert scan_page.width_px == 2550 and abs(scan_page.height_px - 3300) <= 1
    assert scan_page.dpi == (300.0, 300.0)
    assert (scan_page.rotation, scan_page.skew_degrees) == (0, 0.0)
    assert scan_page.image_path is not None and scan_page.image_path.endswith("0001.png")
    with Image.open(scan_page.image_path) as image:
        assert abs(image.width - 1275) <= 1 and abs(image.height - 1650) <= 1  # 150 dpi


def test_fax_normal_tiff_reads_with_source_dpi(fax_page: Page) -> None:
    assert fax_page.dpi == (204.0, 98.0)
    assert fax_page.height_px > fax_page.width_px  # squared: no longer squashed
    assert ordered_in(fax_page.text(), KEY_PHRASES)
    assert fax_page.image_path is not None
    with Image.open(fax_page.image_path) as image:  # the fax's own 204 dpi pixels, 1-bit
        assert (image.mode, image.size) == ("1", (fax_page.width_px, fax_page.height_px))


def test_fax_second_frame(fax_tiff: Path) -> None:
    page = ENGINE.read_page(fax_tiff, "image/tiff", 2, EngineContext())
    assert page.number == 2
    assert ordered_in(page.text(), ["Clinical Notes", "two weeks"])
    assert len(page.text().splitlines()) == len(PAGE_TWO)


@pytest.mark.parametrize(
    ("transpose", "rotation"),
    [(Image.Transpose.ROTATE_270, 90), (Image.Transpose.ROTATE_180, 180)],
    ids=["clockwise_90", "upside_down"],
)
def test_turned_page_is_read_upright(
    form_pdf: Path, tmp_path: Path, transpose: Image.Transpose, rotation: int
) -> None:
    """GIVEN a scan turned clockwise by 90° (or 180°) WHEN read THEN ``rotation`` says so
    (the samples' convention: degrees the content was turned clockwise) and the text and
    boxes are upright."""
    path = tmp_path / "turned.png"
    render_gray(form_pdf, 200).transpose(transpose).save(path, dpi=(200, 200))
    page = ENGINE.read_page(path, "image/png", 1, EngineContext())
    assert page.rotation == rotation
    assert page.width_px < page.height_px
    assert ordered_in(page.text(), KEY_PHRASES)
    drawn = value_position(0)
    word = next(w for w in page.words if w.text == drawn.text)
    assert word.box.x0 == pytest.approx(drawn.x0, abs=0.02)
    assert word.box.cy == pytest.approx(drawn.y_mid, abs=0.02)


def test_upside_down_page_costs_one_ocr(
    form_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a scan turned 180° WHEN read THEN it is turned before OCR: one Tesseract
    reading, not a wasted upside-down one first."""
    import extractors.tesseract as engine_module

    calls = []
    real = engine_module.ocr
    monkeypatch.setattr(engine_module, "ocr", lambda *a, **k: calls.append(1) or real(*a, **k))
    path = tmp_path / "turned.png"
    render_gray(form_pdf, 200).transpose(Image.Transpose.ROTATE_180).save(path, dpi=(200, 200))
    page = ENGINE.read_page(path, "image/png", 1, EngineContext())
    assert page.rotation == 180
    assert ordered_in(page.text(), KEY_PHRASES)
    assert len(calls) == 1


@pytest.mark.parametrize(("transpose", "turn"), [("ROTATE_270", 270), ("ROTATE_90", 90)])
def test_sideways_page_turn_from_its_text_lines(form_pdf: Path, transpose: str, turn: int) -> None:
    """GIVEN a page turned a quarter WHEN its lines are looked at THEN the clockwise turn
    that makes it upright (the one OSD would give), without OSD."""
    from extractors import imaging
    from extractors.tesseract import _quarter_turn

    img = render_gray(form_pdf, 200).transpose(getattr(Image.Transpose, transpose))
    assert _quarter_turn(imaging.analysis_copy(np.asarray(img))) == turn


def test_skewed_page_is_deskewed(form_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "skewed.png"
    image = render_gray(form_pdf, 200).rotate(3, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image.save(path, dpi=(200, 200))
    page = ENGINE.read_page(path, "image/png", 1, EngineContext())
    assert page.skew_degrees == pytest.approx(3.0, abs=0.3)
    assert ordered_in(page.text(), KEY_PHRASES)
    lines = page.text().splitlines()
    assert any("Patient Name" in line and "Margaret" in line for line in lines)


def test_blank_page_skips_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "blank.png"
    blank_with_specks().save(path, dpi=(200, 200))

    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("Tesseract must not run on a blank page")

    monkeypatch.setattr(pytesseract, "image_to_data", no_ocr)
    monkeypatch.setattr(pytesseract, "image_to_osd", no_ocr)
    page = ENGINE.read_page(path, "image/png", 1, EngineContext(workdir=tmp_path))
    assert page.text_source is TextSource.NONE
    assert page.words == [] and page.ocr_confidence is None
    assert page.image_path is not None


def test_timeout_is_transient(form_png: Path) -> None:
    with pytest.raises(Transient) as info:
        ENGINE.read_page(form_png, "image/png", 1, EngineContext(ocr_timeout_s=0.01))
    assert info.value.code is ErrorCode.OCR_TIMEOUT


def test_missing_tesseract_is_rejected(form_png: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(Rejected) as info:
        ENGINE.read_page(form_png, "image/png", 1, EngineContext())
    assert info.value.code is ErrorCode.OCR_FAILED


def test_scanned_pdf_page_is_ocred(scanned_pdf: Path) -> None:
    page = ENGINE.read_page(scanned_pdf, "application/pdf", 1, EngineContext(ocr_dpi=200))
    assert page.text_source is TextSource.OCR
    assert ordered_in(page.text(), KEY_PHRASES)
