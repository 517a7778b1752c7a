"""Option groups (checklists) on real documents: the marked option, whatever the marking style.

A "Specialty requested" grid of twelve specialties, marked with a glyph, brackets, an X drawn
in a vector box, a filled box or a circle round the word, is read end to end (reportlab PDF →
page reader → spaCy component). The first option is never the answer just for being first,
and a list with nothing marked states no specialty. Fax renders go through real Tesseract.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extractors.base import EngineContext
from extractors.nlp import build_nlp, make_doc
from extractors.registry import read_page
from models.vocab import FieldName
from samples.generate.render import write_fax_tiff

SPECIALTIES = [
    "Cardiology",
    "Dermatology",
    "Endocrinology",
    "Gastroenterology",
    "Neurology",
    "Orthopedics",
    "Pulmonology",
    "Rheumatology",
    "Urology",
    "ENT",
    "Ophthalmology",
    "Other",
]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _checklist(path: Path, style: str, chosen: str | None, label: str = "Specialty requested:"):
    """A referral form whose specialty is a 3-column grid of boxes, ``chosen`` marked."""
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 11)
    y = 720
    for line in (
        "REFERRAL FORM",
        "Patient Name: Maria Lopez",
        "DOB: 03/04/1961",
        "Reason for referral: numbness and tingling in both feet",
        label,
    ):
        c.drawString(72, y, line)
        y -= 22
    for i, name in enumerate(SPECIALTIES):
        x, yy = 90 + (i % 3) * 160, y - (i // 3) * 20
        on = name == chosen
        if style in ("glyph", "brackets"):
            mark = {"glyph": ("☒ ", "☐ "), "brackets": ("[X] ", "[ ] ")}[style][0 if on else 1]
            c.setFont("DejaVu" if style == "glyph" else "Helvetica", 11)
            c.drawString(x, yy, mark + name)
            c.setFont("Helvetica", 11)
            continue
        c.rect(x, yy - 1, 9, 9, fill=int(on and style == "filled"))
        if on and style == "vector_x":
            c.line(x + 1, yy, x + 8, yy + 7)
            c.line(x + 1, yy + 7, x + 8, yy)
        if on and style == "x_beside":  # an X written left of the (empty) box
            c.drawString(x - 10, yy, "X")
        if on and style == "tick_beside":
            c.setFont("DejaVu", 11)
            c.drawString(x - 11, yy, "✓")
            c.setFont("Helvetica", 11)
        if on and style == "tick":
            c.setLineWidth(1.5)
            c.lines([(x + 1, yy + 4, x + 4, yy + 1), (x + 4, yy + 1, x + 10, yy + 10)])
            c.setLineWidth(1)
        if on and style == "circled":
            width = c.stringWidth(name, "Helvetica", 11)
            c.ellipse(x + 11, yy - 5, x + 18 + width, yy + 12)
        c.drawString(x + 14, yy, name)
    c.save()
    return path


def _specialties(path: Path, tmp_path: Path, media: str = "application/pdf"):
    page = read_page(path, media, 1, EngineContext(workdir=tmp_path / "img"))
    doc = make_doc(build_nlp(), page)
    return [
        (s._.value, s._.confidence)
        for s in doc.spans.get("fields", [])
        if s.label_ == FieldName.REFERRAL_SPECIALTY
    ]


@pytest.mark.parametrize("style", ["glyph", "brackets", "vector_x", "filled", "circled"])
def test_the_marked_option_of_a_grid_is_the_specialty(tmp_path, style):
    found = _specialties(_checklist(tmp_path / "f.pdf", style, "Rheumatology"), tmp_path)
    assert found and max(found, key=lambda f: f[1])[0] == "rheumatology"
    assert ("cardiology", 0.95) not in found  # the first option is not the answer
    assert max(c for _, c in found) >= 0.85


def test_an_unmarked_grid_states_no_specialty(tmp_path):
    assert _specialties(_checklist(tmp_path / "f.pdf", "brackets", None), tmp_path) == []


def test_an_unseen_label_still_makes_a_group(tmp_path):
    path = _checklist(tmp_path / "f.pdf", "vector_x", "Urology", label="Consultant needed:")
    found = _specialties(path, tmp_path)
    assert [v for v, _ in found] == ["urology"]


def test_a_marked_option_outside_the_vocabulary_is_other(tmp_path):
    path = tmp_path / "other.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "Refer to:")
    c.drawString(90, 680, "[ ] Cardiology   [X] Wound Care   [ ] Neurology   [ ] Urology")
    c.save()
    found = _specialties(path, tmp_path)
    assert [v for v, _ in found] == ["other"]


@pytest.mark.parametrize(("style", "variant"), [("filled", "fax_fine"), ("vector_x", "fax_normal")])
def test_faxed_grid_is_read_from_pixels(tmp_path, style, variant):
    pdf = _checklist(tmp_path / "f.pdf", style, "Rheumatology")
    tif = tmp_path / "f.tif"
    write_fax_tiff(pdf.read_bytes(), tif, variant, {}, {}, random.Random(3))
    found = _specialties(tif, tmp_path, "image/tiff")
    assert found and max(found, key=lambda f: f[1])[0] == "rheumatology"


def test_two_marked_options_give_a_low_confidence(tmp_path):
    path = tmp_path / "two.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "Specialty:")
    c.drawString(90, 680, "[X] Cardiology   [ ] Dermatology   [X] Neurology   [ ] Urology")
    c.save()
    found = _specialties(path, tmp_path)
    assert {v for v, _ in found} == {"cardiology", "neurology"}
    assert max(c for _, c in found) <= 0.6


def _fax(pdf: Path, tmp_path: Path, variant: str) -> Path:
    tif = tmp_path / "f.tif"
    write_fax_tiff(pdf.read_bytes(), tif, variant, {}, {}, random.Random(3))
    return tif


@pytest.mark.parametrize("style", ["x_beside", "tick_beside"])
def test_a_mark_written_beside_the_box_is_read_from_pixels(tmp_path, style):
    pdf = _checklist(tmp_path / "f.pdf", style, "Urology")
    found = _specialties(_fax(pdf, tmp_path, "fax_fine"), tmp_path, "image/tiff")
    assert found and max(found, key=lambda f: f[1])[0] == "urology", found
    assert all(v == "urology" for v, c in found if c >= 0.7), found


@pytest.mark.parametrize("style", ["tick", "circled", "vector_x"])
def test_fax_normal_grid_letters_beside_options_are_not_boxes(tmp_path, style):
    """At 204x98 a letter next to an option ("T" of "ENT", "e") is a square blob with ink in
    it; only a drawn box may answer, so no confident answer names an unmarked option."""
    pdf = _checklist(tmp_path / "f.pdf", style, "Neurology")
    found = _specialties(_fax(pdf, tmp_path, "fax_normal"), tmp_path, "image/tiff")
    assert all(v == "neurology" for v, c in found if c >= 0.7), found
    assert any(v == "neurology" for v, _ in found), found


def _urgency_row(path: Path, style: str, chosen: str) -> Path:
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(72, 720, "Patient Name: Maria Lopez     DOB: 03/04/1961")
    c.drawString(72, 690, "Priority:")
    x = 140
    for name in ("Routine", "Urgent", "STAT"):
        on = name == chosen
        c.rect(x, 689, 9, 9, fill=int(on and style == "filled"))
        width = c.stringWidth(name, "Helvetica", 11)
        if on and style == "circled":
            c.ellipse(x + 11, 685, x + 18 + width, 702)
        c.drawString(x + 14, 690, name)
        x += 40 + width
    c.save()
    return path


def _urgencies(path: Path, tmp_path: Path) -> list[tuple[str, float]]:
    page = read_page(path, "image/tiff", 1, EngineContext(workdir=tmp_path / "img"))
    doc = make_doc(build_nlp(), page)
    return [
        (s._.value, s._.confidence)
        for s in doc.spans.get("fields", [])
        if s.label_ == FieldName.REFERRAL_URGENCY
    ]


@pytest.mark.parametrize(("style", "chosen"), [("circled", "STAT"), ("filled", "Urgent")])
def test_faxed_urgency_row_is_read_even_when_ocr_garbles_the_marked_word(tmp_path, style, chosen):
    """A circle round "STAT" at fax-normal resolution is read as one garbled word; every read
    option's box is empty, so the marked word is the unread one (a low-confidence answer)."""
    tif = _fax(_urgency_row(tmp_path / "u.pdf", style, chosen), tmp_path, "fax_normal")
    found = _urgencies(tif, tmp_path)
    assert found and max(found, key=lambda f: f[1])[0] == chosen.lower(), found
