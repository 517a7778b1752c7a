"""How field extractors report what they found: spans on a spaCy Doc built from one page.

Every field component marks candidate value spans in ``doc.spans["fields"]`` with the field
name as label and the parsed value, confidence and extractor name as span extensions. The
``extract`` stage turns each span's character range into words and boxes through
``Page.box_for`` — the single path from "text found" to "box on the image".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span

from models.evidence import Candidate
from models.vocab import FieldName

if TYPE_CHECKING:
    from models.document import Page

SPAN_KEY = "fields"
__all__ = ["SPAN_KEY", "Candidate", "add_candidate", "candidates", "page_of", "update_candidate"]
#: Candidate data per (field, start, end) in ``doc.user_data``. spaCy keys a span's extension
#: values by its characters only, so two fields marked on the same characters (a specialty
#: and a clinical question over "Renal") would overwrite each other's value.
_DATA = "field_candidates"


def _getter(attr: str, default: Any) -> Any:
    def get(span: Span) -> Any:
        data = span.doc.user_data.get(_DATA, {})
        return data.get((span.label_, span.start_char, span.end_char), {}).get(attr, default)

    return get


for _name, _default in (("value", None), ("confidence", 0.0), ("extractor", ""), ("notes", ())):
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=_getter(_name, _default))


def page_of(doc: Doc) -> Page | None:
    """The Page a Doc was built from (for layout-aware components), if any."""
    return doc.user_data.get("page")


def add_candidate(
    doc: Doc,
    start: int,
    end: int,
    name: FieldName,
    value: Any,
    confidence: float,
    extractor: str,
    notes: tuple[str, ...] = (),
) -> Span | None:
    """Mark ``doc.text[start:end]`` as a candidate value of ``name``.

    The character range is widened to token boundaries. Returns the span, or ``None`` when the
    range does not cover any token (nothing is added then).
    """
    span = doc.char_span(start, end, label=str(name), alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    doc.user_data.setdefault(_DATA, {})[(span.label_, span.start_char, span.end_char)] = {
        "value": value,
        "confidence": max(0.0, min(1.0, float(confidence))),
        "extractor": extractor,
        "notes": tuple(notes),
    }
    doc.spans.setdefault(SPAN_KEY, [])
    doc.spans[SPAN_KEY].append(span)
    return span


def update_candidate(span: Span, **changes: Any) -> None:
    """Change the ``value``, ``confidence`` or ``notes`` of a candidate already marked.

    For a value settled after its component ran (a second reading of its crop, see
    ``extractors.fields.reread``).
    """
    data = span.doc.user_data.get(_DATA, {}).get((span.label_, span.start_char, span.end_char))
    if data is None:
        return
    if "confidence" in changes:
        changes["confidence"] = max(0.0, min(1.0, float(changes["confidence"])))
    if "notes" in changes:
        changes["notes"] = tuple(changes["notes"])
    data.update(changes)


def candidates(doc: Doc, page_number: int) -> list[Candidate]:
    """All candidates marked on ``doc``, as plain data."""
    out: list[Candidate] = []
    for span in doc.spans.get(SPAN_KEY, []):
        out.append(
            Candidate(
                name=FieldName(span.label_),
                value=span._.value,
                confidence=span._.confidence,
                page=page_number,
                start=span.start_char,
                end=span.end_char,
                extractor=span._.extractor,
                notes=tuple(span._.notes),
            )
        )
    return out
