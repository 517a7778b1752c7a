"""Second readings of doubtful values from their crop (class 5 of issue 6), real Tesseract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from PIL import Image, ImageDraw, ImageFont

from extractors.fields.base import candidates
from extractors.fields.npi import npi_is_valid
from extractors.fields.reread import DOUBT_CAP, ID_CHARS, add_checked, plausible, resolve, vote
from models.document import Page, Word
from models.geometry import Box
from models.vocab import FieldName, TextSource

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
W, H = 1700, 1100  # a 204 dpi fax page, squared
TEXT_BOX = (400, 500)  # where the value is drawn (px)


def _fax_normal_image(path: Path, text: str) -> Box:
    """``text`` at 10 pt on a 204 dpi page, sent at fax-normal (half vertical resolution)."""
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 28)
    draw.text(TEXT_BOX, text, font=font, fill=0)
    x0, y0, x1, y1 = draw.textbbox(TEXT_BOX, text, font=font)
    half = img.resize((W, H // 2), Image.Resampling.BOX)  # 98 lines per inch
    back = half.resize((W, H), Image.Resampling.NEAREST)  # squared again, as the engine does
    bw = (np.asarray(back) > 150).astype(np.uint8) * 255
    Image.fromarray(bw).save(path)
    return Box.clamped(x0 / W, y0 / H, x1 / W, y1 / H)


def _page(image: Path, box: Box, read_as: str, confidence: float) -> Page:
    return Page(
        number=1,
        width_px=W,
        height_px=H,
        text_source=TextSource.OCR,
        image_path=str(image),
        words=[Word(text=read_as, box=box, confidence=confidence)],
    )


def checked_value(
    page: Page, start: int, end: int, value: str, conf: float, parse, whitelist: str = ID_CHARS
) -> tuple[str, float, tuple[str, ...]]:
    """``(value, confidence, notes)`` of one value marked with ``add_checked`` and resolved."""
    doc = spacy.blank("en").make_doc(page.text())
    doc.user_data["page"] = page
    add_checked(doc, start, end, FieldName.PATIENT_MRN, value, conf, "test", parse, whitelist)
    resolve(doc)
    (found,) = candidates(doc, page.number)
    return found.value, found.confidence, found.notes


def _id(text: str) -> str | None:
    digits = "".join(c for c in text if c.isdigit())
    return digits or None


def test_truncated_identifier_is_reread_and_never_trusted(tmp_path: Path) -> None:
    """GIVEN a 7-digit group number OCR read as 6 digits at conf 0.71 WHEN checked THEN the
    crop's readings restore it, and the changed value stays below the review threshold."""
    box = _fax_normal_image(tmp_path / "p.png", "4859933")
    page = _page(tmp_path / "p.png", box, "485993", 0.71)
    value, conf, notes = checked_value(page, 0, 6, "485993", 0.71, _id)
    assert value == "4859933"
    assert conf <= DOUBT_CAP
    assert notes == ("ocr_reread_changed",)


def test_confirmed_identifier_keeps_its_confidence(tmp_path: Path) -> None:
    box = _fax_normal_image(tmp_path / "p.png", "4859933")
    page = _page(tmp_path / "p.png", box, "4859933", 0.8)
    value, conf, notes = checked_value(page, 0, 7, "4859933", 0.8, _id)
    assert (value, conf, notes) == ("4859933", 0.8, ("ocr_reread_confirmed",))


def test_confident_or_text_layer_values_are_not_reread(tmp_path: Path) -> None:
    box = _fax_normal_image(tmp_path / "p.png", "4859933")
    sure = _page(tmp_path / "p.png", box, "485993", 0.95)
    assert checked_value(sure, 0, 6, "485993", 0.9, _id) == ("485993", 0.9, ())
    layer = sure.model_copy(update={"text_source": TextSource.TEXT_LAYER})
    assert checked_value(layer, 0, 6, "485993", 0.9, _id) == ("485993", 0.9, ())


def test_npi_failing_its_check_digit_is_reread(tmp_path: Path, extract) -> None:
    """GIVEN an NPI whose last digit OCR misread (fails Luhn) WHEN extracted THEN the crop's
    readings give the checked number."""
    assert npi_is_valid("1234567893") and not npi_is_valid("1234567898")
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 28)
    draw.text((200, 500), "NPI:", font=font, fill=0)
    draw.text(TEXT_BOX, "1234567893", font=font, fill=0)
    lx0, ly0, lx1, ly1 = draw.textbbox((200, 500), "NPI:", font=font)
    x0, y0, x1, y1 = draw.textbbox(TEXT_BOX, "1234567893", font=font)
    img.save(tmp_path / "npi.png")
    page = Page(
        number=1,
        width_px=W,
        height_px=H,
        text_source=TextSource.OCR,
        image_path=str(tmp_path / "npi.png"),
        words=[
            Word(text="NPI:", box=Box.clamped(lx0 / W, ly0 / H, lx1 / W, ly1 / H), confidence=0.9),
            Word(
                text="1234567898", box=Box.clamped(x0 / W, y0 / H, x1 / W, y1 / H), confidence=0.6
            ),
        ],
    )
    cands = [c for c in extract(page, "intake_npi") if str(c.name) == "referring.npi"]
    assert cands and cands[0].value == "1234567893"
    assert "ocr_reread_changed" in cands[0].notes


@pytest.mark.parametrize(
    ("first", "others", "expected"),
    [
        ("485993", ["4859933", "4859933"], ("4859933", 2, 3)),
        ("485993", ["4859933"], ("485993", 1, 2)),  # a tie keeps the page's own reading
        (None, ["1", "2", "2"], ("2", 2, 3)),
        (None, [], (None, 0, 0)),
    ],
)
def test_vote(first, others, expected) -> None:
    assert vote(first, others) == expected


def test_dob_ocr_lost_is_read_from_its_crop(tmp_path: Path, extract) -> None:
    """GIVEN a DOB that the page OCR cut to "03/04/" WHEN extracted THEN the crop gives it."""
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 28)
    draw.text((200, 500), "DOB:", font=font, fill=0)
    draw.text(TEXT_BOX, "03/04/1961", font=font, fill=0)
    label = Box.clamped(
        *(
            v / s
            for v, s in zip(draw.textbbox((200, 500), "DOB:", font=font), (W, H, W, H), strict=True)
        )
    )
    value = Box.clamped(
        *(
            v / s
            for v, s in zip(
                draw.textbbox(TEXT_BOX, "03/04/1961", font=font), (W, H, W, H), strict=True
            )
        )
    )
    img.save(tmp_path / "dob.png")
    page = Page(
        number=1,
        width_px=W,
        height_px=H,
        text_source=TextSource.OCR,
        image_path=str(tmp_path / "dob.png"),
        words=[
            Word(text="DOB:", box=label, confidence=0.9),
            Word(text="03/04/", box=value, confidence=0.4),
        ],
    )
    cands = [c for c in extract(page, "intake_dates") if str(c.name) == "patient.dob"]
    assert [c.value for c in cands] == ["1961-03-04"]
    assert cands[0].confidence < 0.9


def test_confident_id_cut_short_by_a_speck_is_not_trusted(tmp_path: Path) -> None:
    """GIVEN "FGT256424132" read confidently as "FGT256424 | 32" WHEN checked THEN re-read,
    and whatever the vote, not emitted as trusted."""
    box = _fax_normal_image(tmp_path / "p.png", "FGT256424132")
    w = box.x1 - box.x0
    page = Page(
        number=1,
        width_px=W,
        height_px=H,
        text_source=TextSource.OCR,
        image_path=str(tmp_path / "p.png"),
        words=[
            Word(
                text="FGT256424",
                box=Box.clamped(box.x0, box.y0, box.x0 + 0.75 * w, box.y1),
                confidence=0.95,
            ),
            Word(
                text="|",
                box=Box.clamped(box.x0 + 0.76 * w, box.y0, box.x0 + 0.8 * w, box.y1),
                confidence=0.5,
            ),
            Word(
                text="32",
                box=Box.clamped(box.x0 + 0.83 * w, box.y0, box.x1, box.y1),
                confidence=0.9,
            ),
        ],
    )
    value, conf, notes = checked_value(page, 0, 9, "FGT256424", 0.91, _id)
    assert notes  # it was read again
    assert conf <= DOUBT_CAP or value == "FGT256424132"


def test_doubtful_phone_digits_are_voted_and_capped(tmp_path: Path) -> None:
    """GIVEN a phone whose 5 OCR read as 8 at low confidence WHEN checked THEN the crop's
    readings restore it, below the trusted confidence."""
    from extractors.fields.phone import _CHARS, _phone_of

    box = _fax_normal_image(tmp_path / "p.png", "(614) 555-0420")
    page = _page(tmp_path / "p.png", box, "(614)855-0420", 0.6)
    value, conf, notes = checked_value(page, 0, 13, "+16148550420", 0.6, _phone_of, _CHARS)
    assert value == "+16145550420"
    assert conf <= DOUBT_CAP and notes == ("ocr_reread_changed",)


@pytest.mark.parametrize(
    ("first", "reading", "ok"),
    [
        ("485993", "4859933", True),  # a lost digit restored
        ("126011741534", "T26011741534", True),  # a character read another way
        ("F8918262028", "F8918262028Thank", False),  # the next word, glued on
        ("F8918262028", "F8918262028T", False),
        ("4859", "48599331", False),  # more than a few lost characters: another value
    ],
)
def test_plausible_second_reading(first: str, reading: str, ok: bool) -> None:
    assert plausible(first, reading) is ok


def test_reading_that_takes_in_the_next_word_does_not_replace_the_id(tmp_path: Path) -> None:
    """GIVEN an ID followed closely by a word, read with low confidence WHEN checked THEN a
    reading that glued the word on is not voted in: the ID stays, not trusted."""
    box = _fax_normal_image(tmp_path / "p.png", "F8918262028 Thank")
    w = box.x1 - box.x0
    id_box = Box.clamped(box.x0, box.y0, box.x0 + 0.62 * w, box.y1)
    page = _page(tmp_path / "p.png", id_box, "F8918262028", 0.3)
    value, conf, _notes = checked_value(page, 0, 11, "F8918262028", 0.3, lambda t: t.strip())
    assert value == "F8918262028"
    assert conf <= DOUBT_CAP
