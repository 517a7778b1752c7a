"""Which engine reads a page: highest ``score`` wins (paperless-ngx parser registry).

Built-in engines are the PDF text layer (score 50 when usable) and Tesseract (10). Third
parties add engines through the ``referral_intake.engines`` entry-point group (each entry
point names an engine class or instance); tests add failure-injection engines with
``register`` and remove them with ``reset``. Ties go to the engine registered first.

``read_page`` has exactly one fallback, and it is explicit: a text-layer engine that raises
``NoUsableText`` hands the page to the best engine that is not itself (OCR).
"""

from __future__ import annotations

import logging
import threading
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from extractors.base import EngineContext, NoUsableText, TextEngine
from extractors.pdf_text import PdfTextEngine
from extractors.tesseract import TesseractEngine
from models.errors import ErrorCode, Rejected

if TYPE_CHECKING:
    from pathlib import Path

    from models.document import Page

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "referral_intake.engines"

_lock = threading.Lock()
_engines: list[TextEngine] | None = None
_extra: list[TextEngine] = []


def _load_builtin_and_plugins() -> list[TextEngine]:
    """Built-ins plus engines advertised by installed packages.

    A plugin that fails to load is logged and skipped: one broken package must not stop
    intake.
    """
    engines: list[TextEngine] = [PdfTextEngine(), TesseractEngine()]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
            engine = obj() if isinstance(obj, type) else obj
        except Exception:
            log.exception("engine plugin %s failed to load", ep.name)
            continue
        if isinstance(engine, TextEngine):
            engines.append(engine)
        else:
            log.warning("engine plugin %s does not implement TextEngine", ep.name)
    return engines


def engines() -> list[TextEngine]:
    """All engines in priority order for ties: registered ones first, then built-ins."""
    global _engines
    with _lock:
        if _engines is None:
            _engines = _load_builtin_and_plugins()
        return [*_extra, *_engines]


def register(engine: TextEngine) -> None:
    """Add an engine (tests, embedding applications); it wins ties against built-ins."""
    with _lock:
        _extra.insert(0, engine)


def reset() -> None:
    """Forget registered engines and reload built-ins/plugins on next use."""
    global _engines
    with _lock:
        _extra.clear()
        _engines = None


def engine_for(
    path: Path,
    media_type: str,
    page_no: int,
    ctx: EngineContext,
    *,
    exclude: tuple[str, ...] = (),
) -> TextEngine:
    """The engine with the highest score for this page.

    Args:
        path: The file.
        media_type: As found by ``sniff``.
        page_no: 1-based page number.
        ctx: Reading settings.
        exclude: Engine names not to consider (used by the fallback).

    Raises:
        Rejected: ``UNSUPPORTED_TYPE`` when every engine declines.
    """
    best: TextEngine | None = None
    best_score = -1
    for engine in engines():
        if engine.name in exclude:
            continue
        score = engine.score(media_type, path, page_no, ctx)
        if score is not None and score > best_score:
            best, best_score = engine, score
    if best is None:
        raise Rejected(f"no engine reads {media_type}", code=ErrorCode.UNSUPPORTED_TYPE)
    return best


def read_page(path: Path, media_type: str, page_no: int, ctx: EngineContext) -> Page:
    """Pick the best engine and read the page, falling back to OCR for empty text layers.

    Raises:
        Rejected: the page can never be read.
        Transient: worth retrying (e.g. ``OCR_TIMEOUT``).
    """
    engine = engine_for(path, media_type, page_no, ctx)
    try:
        return engine.read_page(path, media_type, page_no, ctx)
    except NoUsableText:
        fallback = engine_for(path, media_type, page_no, ctx, exclude=(engine.name,))
        log.info("page %d: %s found no usable text, using %s", page_no, engine.name, fallback.name)
        return fallback.read_page(path, media_type, page_no, ctx)
