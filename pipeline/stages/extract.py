"""Extract: choose each field's value from a referral's evidence and tie it to a page box."""

from __future__ import annotations

from collections.abc import Iterable

from extractors.fields.specialty_inference import infer_specialty
from models.evidence import Analysis, Candidate, Evidence
from models.referral import Field, Referral, Source
from models.vocab import FieldName
from pipeline.stage import StageContext

#: Fields a fax cover sheet can tell about every referral it carries.
COVER_FIELDS = {
    FieldName.REFERRING_NAME,
    FieldName.REFERRING_PRACTICE,
    FieldName.REFERRING_PHONE,
    FieldName.REFERRING_FAX,
    FieldName.REFERRING_NPI,
    FieldName.REFERRAL_DATE,
}
_COVER_DISCOUNT = 0.9
_CONTEXT_ONLY_MIN = 0.35
_LIST_FIELDS = {FieldName.REFERRAL_DIAGNOSES}


def _source(evidence: Evidence, cand: Candidate) -> Source | None:
    page = evidence.page(cand.page)
    box = page.box_for(cand.start, cand.end) if page is not None else None
    if box is None:
        return None
    return Source(page=cand.page, box=box, text=page.text()[cand.start : cand.end])


def _to_field(evidence: Evidence, cand: Candidate, confidence: float | None = None) -> Field:
    return Field(
        name=cand.name,
        value=cand.value,
        confidence=cand.confidence if confidence is None else confidence,
        source=_source(evidence, cand),
        extractor=cand.extractor,
        notes=list(cand.notes),
    )


def _pool(evidence: Evidence) -> list[Candidate]:
    """The referral's own candidates, plus cover-sheet candidates for the fields a cover tells."""
    pool = [c for f in evidence.pages for c in f.candidates]
    own_pages = set(evidence.page_numbers)
    for found in evidence.shared:
        if found.number in own_pages:
            continue
        pool.extend(
            Candidate(**{**c.__dict__, "confidence": c.confidence * _COVER_DISCOUNT})
            for c in found.candidates
            if c.name in COVER_FIELDS
        )
    return pool


def _best(cands: Iterable[Candidate]) -> Candidate | None:
    return max(cands, key=lambda c: (c.confidence, -c.page, -c.start), default=None)


def _list_field(evidence: Evidence, cands: list[Candidate]) -> Field | None:
    """A list-valued field (diagnoses): the union of values, in order of first appearance."""
    values: list[str] = []
    for cand in sorted(cands, key=lambda c: (c.page, c.start)):
        for value in cand.value if isinstance(cand.value, list) else [cand.value]:
            if value not in values:
                values.append(value)
    best = _best(cands)
    if best is None:
        return None
    confidence = sum(c.confidence for c in cands) / len(cands)
    field = _to_field(evidence, best, confidence)
    return field.model_copy(update={"value": values})


def extract(analysis: Analysis, ctx: StageContext) -> Analysis:
    """Fill every referral's fields from its evidence."""
    return analysis.with_referrals([extract_referral(r, ctx) for r in analysis.referrals])


def extract_referral(referral: Referral, ctx: StageContext) -> Referral:
    """The best candidate per field of the referral's evidence; the specialty inferred if
    unstated."""
    evidence: Evidence = referral.evidence or Evidence()
    by_name: dict[FieldName, list[Candidate]] = {}
    for cand in _pool(evidence):
        by_name.setdefault(cand.name, []).append(cand)
    fields: dict[FieldName, Field] = {}
    for name, cands in by_name.items():
        if name in _LIST_FIELDS:
            field = _list_field(evidence, cands)
        else:
            best = _best(cands)
            field = _to_field(evidence, best) if best else None
        if field is not None:
            fields[name] = field
    if FieldName.REFERRAL_SPECIALTY not in fields:
        inferred = _inferred_specialty(fields, ctx, evidence.text)
        if inferred is not None:
            fields[FieldName.REFERRAL_SPECIALTY] = inferred
    return referral.model_copy(update={"fields": fields})


def _inferred_specialty(
    fields: dict[FieldName, Field], ctx: StageContext, context: str = ""
) -> Field | None:
    """Specialty from the question and diagnoses, supported by the pages' clinical prose."""
    question = fields.get(FieldName.REFERRAL_CLINICAL_QUESTION)
    diagnoses = fields.get(FieldName.REFERRAL_DIAGNOSES)
    codes = list(diagnoses.value) if diagnoses else []
    text = str(question.value) if question else ""
    if not text and not codes and not context.strip():
        return None
    specialty, confidence, _evidence = infer_specialty(
        text, codes, context=context, model_path=ctx.settings.embedding_model_path
    )
    if not text and not codes and confidence < _CONTEXT_ONLY_MIN:
        return None  # nothing but a page of form text and no clear answer: leave it missing
    return Field(
        name=FieldName.REFERRAL_SPECIALTY,
        value=specialty.value,
        confidence=confidence,
        source=question.source if question else (diagnoses.source if diagnoses else None),
        extractor="specialty.inferred",
        notes=["inferred from clinical question and diagnoses"],
    )
