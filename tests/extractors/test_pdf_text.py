"""PDF text layer engine: words, boxes, reading order, rotation, speed, and declining."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pikepdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors.base import EngineContext, NoUsableText
from extractors.pdf_text import PdfTextEngine
from models.vocab import TextSource
from tests.extractors.factories import (
    FORM_ROWS,
    PAGE_TWO,
    PARAGRAPH,
    ordered_in,
    value_position,
)

if TYPE_CHECKING:
    from pathlib import Path

PDF = "application/pdf"
ENGINE = PdfTextEngine()


def test_reads_words_in_reading_order(form_pdf: Path, engine_ctx: EngineContext) -> None:
    page = ENGINE.read_page(form_pdf, PDF, 1, engine_ctx)
    assert page.text_source is TextSource.TEXT_LAYER
    assert page.ocr_confidence is None
    assert all(w.confidence == 1.0 for w in page.words)
    text = page.text()
    assert ordered_in(text, ["Outpatient Referral", *(v for row in FORM_ROWS for v in row)])
    assert ordered_in(text, PARAGRAPH)


def test_label_and_value_share_a_line(form_pdf: Path, engine_ctx: EngineContext) -> None:
    lines = ENGINE.read_page(form_pdf, PDF, 1, engine_ctx).text().splitlines()
    for label, value in FORM_ROWS:
        assert f"{label} {value}" in lines


def test_word_box_is_where_it_was_drawn(form_pdf: Path, engine_ctx: EngineContext) -> None:
    page = ENGINE.read_page(form_pdf, PDF, 1, engine_ctx)
    for row in range(len(FORM_ROWS)):
        drawn = value_position(row)
        word = next(w for w in page.words if w.text == drawn.text)
        assert word.box.x0 == pytest.approx(drawn.x0, abs=0.01)
        assert word.box.cy == pytest.approx(drawn.y_mid, abs=0.01)


def test_second_page_and_page_geometry(form_pdf: Path, engine_ctx: EngineContext) -> None:
    page = ENGINE.read_page(form_pdf, PDF, 2, engine_ctx)
    assert page.number == 2
    assert page.dpi == (150.0, 150.0)
    assert abs(page.width_px - 1275) <= 1 and abs(page.height_px - 1650) <= 1
    assert page.text().splitlines() == list(PAGE_TWO)


def test_page_image_is_written_atomically(form_pdf: Path, engine_ctx: EngineContext) -> None:
    page = ENGINE.read_page(form_pdf, PDF, 1, engine_ctx)
    assert engine_ctx.workdir is not None
    assert page.image_path == str(engine_ctx.workdir / "0001.png")
    with Image.open(page.image_path) as image:
        assert image.size == (page.width_px, page.height_px)
        assert abs(image.width - 1275) <= 1 and abs(image.height - 1650) <= 1
    assert [p.name for p in engine_ctx.workdir.iterdir()] == ["0001.png"]


def test_no_workdir_writes_no_image(form_pdf: Path) -> None:
    assert ENGINE.read_page(form_pdf, PDF, 1, EngineContext()).image_path is None


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotated_page_reads_upright(tmp_path: Path, form_pdf: Path, rotate: int) -> None:
    """GIVEN a page displayed sideways by /Rotate WHEN read THEN text and boxes are upright."""
    path = tmp_path / f"rot{rotate}.pdf"
    with pikepdf.open(form_pdf) as pdf:
        pdf.pages[0].Rotate = rotate
        pdf.save(path)
    page = ENGINE.read_page(path, PDF, 1, EngineContext(workdir=tmp_path))
    assert page.rotation == rotate  # shown turned clockwise by /Rotate, turned back by us
    assert f"{FORM_ROWS[0][0]} {FORM_ROWS[0][1]}" in page.text().splitlines()
    drawn = value_position(0)
    word = next(w for w in page.words if w.text == drawn.text)
    assert word.box.x0 == pytest.approx(drawn.x0, abs=0.01)


def test_scanned_pdf_declines(scanned_pdf: Path) -> None:
    ctx = EngineContext()
    assert ENGINE.score(PDF, scanned_pdf, 1, ctx) is None
    with pytest.raises(NoUsableText):
        ENGINE.read_page(scanned_pdf, PDF, 1, ctx)


def test_scan_with_stamped_header_declines(tmp_path: Path, form_png: Path) -> None:
    """GIVEN an e-fax PDF: a full-page scan plus one line of real text (the fax header)
    WHEN scored THEN the text layer declines, so the body gets OCRed."""
    path = tmp_path / "efax.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.drawImage(str(form_png), 0, 0, width=letter[0], height=letter[1])
    c.setFont("Helvetica", 8)
    c.drawString(20, 780, "03/04/2024 10:15  Lakeside Family Medicine  3125550147  P.001/003")
    c.save()
    ctx = EngineContext()
    assert ENGINE.score(PDF, path, 1, ctx) is None
    with pytest.raises(NoUsableText):
        ENGINE.read_page(path, PDF, 1, ctx)


def test_images_are_declined(form_pdf: Path) -> None:
    assert ENGINE.score("image/png", form_pdf, 1, EngineContext()) is None


def test_rows_join_label_and_value_but_not_stacked_lines() -> None:
    """Layout rule shared by both engines: same printed line → one text line, left to right;
    lines that merely touch stay apart."""
    from extractors.layout import Piece, to_words

    def piece(text: str, x0: float, y0: float, block: int = 0) -> Piece:
        return Piece([(text, x0, y0, x0 + 10 * len(text), y0 + 12, 0.9)], block=block)

    pieces = [
        piece("Jane", 300, 102, block=2),  # value, 2 px lower, in another Tesseract block
        piece("Name:", 50, 100, block=1),
        piece("Second", 50, 125, block=1),  # next line: touches, does not share the line
        piece("Title", 50, 60, block=0),
    ]
    words = to_words(pieces, width=1000, height=1000, new_blocks=False)
    text = "\n".join(
        " ".join(w.text for w in words if w.line == line)
        for line in sorted({w.line for w in words})
    )
    assert text == "Title\nName: Jane\nSecond"
