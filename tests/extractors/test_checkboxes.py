"""Ticked boxes read from pixels: a real PDF with vector checkboxes, read end to end."""

from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors.base import EngineContext
from extractors.checkboxes import ticked
from extractors.nlp import build_nlp, make_doc
from extractors.registry import read_page
from models.vocab import FieldName


def _form(path: Path, ticked_option: str | None, options=("Routine", "Urgent", "STAT")) -> Path:
    """A form whose urgency boxes are vector squares; the tick is two drawn lines."""
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "Patient Name: Jane Doe")
    c.drawString(72, 660, "Urgency:")
    x = 140
    for option in options:
        c.rect(x, 657, 10, 10)
        if option == ticked_option:
            c.line(x + 2, 659, x + 8, 665)
            c.line(x + 2, 665, x + 8, 659)
        c.drawString(x + 14, 658, option)
        x += 90
    c.drawString(72, 620, "Reason for referral: palpitations for two weeks")
    c.save()
    return path


def _page(path: Path, tmp_path: Path):
    return read_page(path, "application/pdf", 1, EngineContext(workdir=tmp_path / "img"))


def _urgency(page) -> list[tuple[str, tuple[str, ...]]]:
    doc = make_doc(build_nlp(), page)
    return [
        (s._.value, tuple(s._.notes))
        for s in doc.spans.get("fields", [])
        if s.label_ == FieldName.REFERRAL_URGENCY
    ]


def test_vector_checkbox_is_read_from_the_page_image(tmp_path):
    page = _page(_form(tmp_path / "form.pdf", "Urgent"), tmp_path)
    assert "Routine Urgent STAT" in page.text()  # the text layer has no tick at all
    assert ("urgent", ("checkbox_pixels",)) in _urgency(page)


def test_no_tick_or_two_ticks_decide_nothing(tmp_path):
    page = _page(_form(tmp_path / "none.pdf", None), tmp_path)
    assert not [v for v, notes in _urgency(page) if "checkbox_pixels" in notes]
    words = {w.text: w.box for w in page.words}
    assert ticked(page, [words["Routine"], words["Urgent"], words["STAT"]]) is None


def test_without_a_page_image_pixels_are_not_consulted(tmp_path):
    path = _form(tmp_path / "form.pdf", "STAT")
    page = read_page(path, "application/pdf", 1, EngineContext(workdir=None))
    assert page.image_path is None
    assert not [v for v, notes in _urgency(page) if "checkbox_pixels" in notes]
