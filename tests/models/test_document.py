from datetime import UTC, datetime

from models import Box, Document, Page, Word
from models.vocab import TextSource


def _word(text: str, x: float, y: float, line: int, block: int = 0) -> Word:
    return Word(
        text=text,
        box=Box(x0=x, y0=y, x1=x + 0.05, y1=y + 0.02),
        confidence=0.9,
        block=block,
        line=line,
    )


def make_page() -> Page:
    words = [
        _word("Patient:", 0.1, 0.1, 0),
        _word("Jane", 0.2, 0.1, 0),
        _word("Doe", 0.26, 0.1, 0),
        _word("DOB:", 0.1, 0.15, 1),
        _word("03/04/1961", 0.2, 0.15, 1),
    ]
    return Page(number=1, width_px=1700, height_px=2200, text_source=TextSource.OCR, words=words)


def test_text_joins_words_by_line():
    assert make_page().text() == "Patient: Jane Doe\nDOB: 03/04/1961"


def test_char_range_maps_back_to_words_and_box():
    page = make_page()
    start = page.text().index("Jane Doe")
    words = page.words_for(start, start + len("Jane Doe"))
    assert [w.text for w in words] == ["Jane", "Doe"]
    box = page.box_for(start, start + len("Jane Doe"))
    assert box is not None
    assert box.x0 == 0.2 and abs(box.x1 - 0.31) < 1e-9


def test_document_round_trips_through_json():
    doc = Document(
        sha256="a" * 64,
        media_type="application/pdf",
        size_bytes=10,
        source_name="x.pdf",
        received_at=datetime.now(UTC),
        page_count=1,
        pages=[make_page()],
    )
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc
    assert again.page(1).text() == doc.page(1).text()
