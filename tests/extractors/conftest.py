"""Session fixtures for the extractor tests: each generated document is built once.

OCR is the slow part of this suite (~1 s a page), so OCR results that several tests inspect
are computed once per module in the test files themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from extractors.base import EngineContext
from tests.extractors.factories import ghostscript, render_gray, write_form_pdf

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Session folder for generated documents."""
    return tmp_path_factory.mktemp("extractor_docs")


@pytest.fixture(scope="session")
def form_pdf(docs: Path) -> Path:
    """Digital two-page referral form (text layer)."""
    return write_form_pdf(docs / "form.pdf", second_page=True)


@pytest.fixture(scope="session")
def form_png(docs: Path, form_pdf: Path) -> Path:
    """Page 1 of the form as a 300 dpi grayscale scan."""
    path = docs / "form.png"
    render_gray(form_pdf, 300).save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="session")
def fax_tiff(docs: Path, form_pdf: Path) -> Path:
    """Both pages as a fax-normal (204×98 dpi) G3 multi-page TIFF."""
    return ghostscript(form_pdf, docs / "fax.tif", "-sDEVICE=tiffg3", "-r204x98")


@pytest.fixture(scope="session")
def scanned_pdf(docs: Path, form_pdf: Path) -> Path:
    """A PDF holding only an image of page 1 (no text layer), like a scanner's output."""
    path = docs / "scanned.pdf"
    render_gray(form_pdf, 200).save(path, "PDF", resolution=200)
    return path


@pytest.fixture
def engine_ctx(tmp_path: Path) -> EngineContext:
    """Reading settings that write page images into this test's folder."""
    return EngineContext(workdir=tmp_path / "pages")
