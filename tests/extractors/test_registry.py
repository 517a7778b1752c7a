"""Engine registry: score-based choice, plugins, failure injection and the OCR fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from extractors import registry
from extractors.base import EngineContext, TextEngine
from extractors.pdf_text import PdfTextEngine
from models.document import Page
from models.errors import ErrorCode, Rejected, Transient
from models.vocab import TextSource
from tests.extractors.factories import ordered_in

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PDF = "application/pdf"


class TimeoutEngine:
    """Failure injection: claims every page and times out, like a stuck Tesseract."""

    name = "inject_timeout"

    def __init__(self, score: int = 1000) -> None:
        self._score = score

    def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int | None:
        return self._score

    def read_page(self, path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
        raise Transient("injected timeout", code=ErrorCode.OCR_TIMEOUT)


class DecliningEngine:
    """Declines everything: must never be chosen."""

    name = "inject_decline"

    def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int | None:
        return None

    def read_page(self, path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
        raise AssertionError("a declining engine was asked to read")


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    """Every test starts and ends with only the built-in engines."""
    registry.reset()
    yield
    registry.reset()


def test_engines_satisfy_the_protocol() -> None:
    assert all(isinstance(e, TextEngine) for e in registry.engines())
    assert [e.name for e in registry.engines()] == ["pdf_text", "tesseract"]


def test_digital_pdf_goes_to_the_text_layer(form_pdf: Path) -> None:
    assert registry.engine_for(form_pdf, PDF, 1, EngineContext()).name == "pdf_text"


def test_images_and_scans_go_to_ocr(form_png: Path, scanned_pdf: Path) -> None:
    ctx = EngineContext()
    assert registry.engine_for(form_png, "image/png", 1, ctx).name == "tesseract"
    assert registry.engine_for(scanned_pdf, PDF, 1, ctx).name == "tesseract"


def test_injected_engine_wins_by_score_and_reset_removes_it(form_pdf: Path) -> None:
    ctx = EngineContext()
    registry.register(TimeoutEngine())
    registry.register(DecliningEngine())
    assert registry.engine_for(form_pdf, PDF, 1, ctx).name == "inject_timeout"
    with pytest.raises(Transient) as info:
        registry.read_page(form_pdf, PDF, 1, ctx)
    assert info.value.code is ErrorCode.OCR_TIMEOUT
    registry.reset()
    assert registry.engine_for(form_pdf, PDF, 1, ctx).name == "pdf_text"


def test_low_scoring_engine_does_not_win(form_pdf: Path) -> None:
    registry.register(TimeoutEngine(score=1))
    assert registry.engine_for(form_pdf, PDF, 1, EngineContext()).name == "pdf_text"


def test_entry_point_engines_are_loaded(monkeypatch: pytest.MonkeyPatch, form_pdf: Path) -> None:
    class FakeEntryPoint:
        name = "timeout"

        def load(self) -> type[TimeoutEngine]:
            return TimeoutEngine

    class BrokenEntryPoint:
        name = "broken"

        def load(self) -> object:
            raise ImportError("plugin missing a dependency")

    def fake_entry_points(group: str) -> list[object]:
        assert group == registry.ENTRY_POINT_GROUP
        return [BrokenEntryPoint(), FakeEntryPoint()]

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    registry.reset()
    assert registry.engine_for(form_pdf, PDF, 1, EngineContext()).name == "inject_timeout"


def test_unreadable_type_is_unsupported(form_pdf: Path) -> None:
    with pytest.raises(Rejected) as info:
        registry.engine_for(form_pdf, "application/zip", 1, EngineContext())
    assert info.value.code is ErrorCode.UNSUPPORTED_TYPE


def test_empty_text_layer_falls_back_to_ocr(scanned_pdf: Path) -> None:
    """GIVEN a text engine that claims a scanned page WHEN read THEN OCR reads it instead."""

    class EagerText(PdfTextEngine):
        name = "eager_text"

        def score(self, media_type: str, path: Path, page_no: int, ctx: EngineContext) -> int:
            return 100  # claims the page without checking; read_page raises NoUsableText

    registry.register(EagerText())
    page = registry.read_page(scanned_pdf, PDF, 1, EngineContext(ocr_dpi=200))
    assert page.text_source is TextSource.OCR
    assert ordered_in(page.text(), ["Patient Name", "Margaret Thompson"])
