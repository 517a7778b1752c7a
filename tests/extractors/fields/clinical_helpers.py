"""Helpers for the clinical field tests, on top of the shared ``conftest.build_page``.

``make_page`` there lays lines out like a monospaced form (runs of ≥ 3 spaces are cell gaps);
these helpers add what the clinical tests need besides candidates: the Doc itself (red-flag
spans live there) and the values of one field.
"""

from __future__ import annotations

import importlib

import spacy
from spacy.tokens import Doc

from extractors.fields.base import Candidate, candidates
from extractors.nlp import make_doc
from models.document import Page
from tests.extractors.fields.conftest import build_page

__all__ = ["build_page", "doc_for", "values"]


def doc_for(page: Page, *factories: str) -> Doc:
    """The Doc of ``page`` after the given components ran (as ``extractors.nlp.make_doc``)."""
    nlp = spacy.blank("en")
    for factory in factories:
        importlib.import_module(f"extractors.fields.{factory.removeprefix('intake_')}")
        nlp.add_pipe(factory)
    return make_doc(nlp, page)


def values(page: Page, factory: str, name: str) -> list[Candidate]:
    """Candidates of field ``name`` that ``factory`` marks on ``page``, best first."""
    found = [c for c in candidates(doc_for(page, factory), page.number) if str(c.name) == name]
    return sorted(found, key=lambda c: c.confidence, reverse=True)
