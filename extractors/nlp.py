"""The field pipeline: a blank spaCy English pipeline plus our field components.

``build_nlp`` reads ``extractors/fields/config.cfg`` (spaCy's config format: ``[nlp] pipeline``
and one ``[components.<name>]`` section each), so a site can drop, reorder or re-tune field
extractors without touching code. Component modules are imported here, not at package import,
so ``import extractors`` stays light. A component the config names but that cannot be loaded
is a :class:`FieldComponentError`, never a warning: skipping it silently dropped a field from
every referral while the output still looked complete.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language
from thinc.api import Config

from extractors.fields.reread import resolve

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from models.document import Page

__all__ = ["DEFAULT_CONFIG", "FieldComponentError", "build_nlp", "make_doc", "make_docs"]

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path(__file__).parent / "fields" / "config.cfg"
_FIELDS_PACKAGE = "extractors.fields"


class FieldComponentError(RuntimeError):
    """A field component named in the config cannot be loaded (a bug or a broken install)."""


def _ensure_factory(factory: str) -> None:
    """Import the module that registers ``factory`` ("intake_<module>") if needed.

    Raises:
        FieldComponentError: the module does not import, or registers no such factory.
    """
    if Language.has_factory(factory):
        return
    module = factory.removeprefix("intake_")
    try:
        importlib.import_module(f"{_FIELDS_PACKAGE}.{module}")
    except Exception as exc:  # any import failure: the field would silently go missing
        raise FieldComponentError(
            f"field component {factory} cannot be imported ({type(exc).__name__})"
        ) from exc
    if not Language.has_factory(factory):
        raise FieldComponentError(f"module for field component {factory} registers no factory")


@lru_cache(maxsize=8)
def _build(config_path: Path) -> Language:
    config = Config().from_disk(config_path)
    nlp = spacy.blank(config.get("nlp", {}).get("lang", "en"))
    components = config.get("components", {})
    for name in config.get("nlp", {}).get("pipeline", []):
        settings = dict(components.get(name, {}))
        factory = settings.pop("factory", f"intake_{name}")
        _ensure_factory(factory)
        nlp.add_pipe(factory, name=name, config=settings)
    log.info("field pipeline built: %s", ", ".join(nlp.pipe_names))
    return nlp


def build_nlp(config_path: Path | None = None) -> Language:
    """The field pipeline described by ``config_path`` (default: ``fields/config.cfg``), cached.

    Args:
        config_path: a spaCy-style config; one ``[components.<name>]`` section per component,
            with ``factory = "intake_<module>"`` naming the module in ``extractors/fields``.

    Returns:
        A ``spacy.blank`` pipeline with every component added, in config order. The same
        object is returned for the same path: components are stateless per document.

    Raises:
        FieldComponentError: a component of the config cannot be loaded.
    """
    return _build(Path(config_path or DEFAULT_CONFIG).resolve())


def make_doc(nlp: Language, page: Page) -> Doc:
    """Run the field pipeline over one page (see ``make_docs``)."""
    return make_docs(nlp, [page])[0]


def make_docs(nlp: Language, pages: list[Page]) -> list[Doc]:
    """Run the field pipeline over the pages of one document, then settle second readings.

    The Doc's text is ``page.text()``, so span character offsets are page offsets, and the Page
    rides along in ``doc.user_data["page"]`` for layout-aware components. The doubtful values
    the components asked to read again are read in one batch for all the pages (a Tesseract
    call costs ~0.1 s before it reads anything).
    """
    docs = []
    for page in pages:
        doc = nlp.make_doc(page.text())
        doc.user_data["page"] = page
        for _name, component in nlp.pipeline:
            doc = component(doc)
        docs.append(doc)
    resolve(*docs)
    return docs
