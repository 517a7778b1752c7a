"""Split as a unit: evidence per page in, referrals (with their evidence) out."""

from datetime import UTC, datetime

from models import (
    Analysis,
    Candidate,
    Document,
    DocumentType,
    FieldName,
    Page,
    PageEvidence,
    PageKind,
    Problem,
)
from pipeline.stages.split import split
from tests.extractors.fields.clinical_helpers import build_page


def _doc(doc_type: DocumentType = DocumentType.REFERRAL) -> Document:
    return Document(
        sha256="e" * 64,
        media_type="application/pdf",
        size_bytes=1,
        source_name="x.pdf",
        received_at=datetime.now(UTC),
        page_count=5,
        document_type=doc_type,
    )


def _page(n: int, kind: PageKind = PageKind.REFERRAL, **values: str) -> PageEvidence:
    names = {
        "name": FieldName.PATIENT_NAME,
        "dob": FieldName.PATIENT_DOB,
        "mrn": FieldName.PATIENT_MRN,
        "question": FieldName.REFERRAL_CLINICAL_QUESTION,
        "referrer": FieldName.REFERRING_NAME,
    }
    cands = [
        Candidate(name=names[k], value=v, confidence=0.9, page=n, start=0, end=1, extractor="test")
        for k, v in values.items()
    ]
    page: Page = build_page(["text"], number=n).model_copy(update={"kind": kind})
    return PageEvidence(page, cands)


def _split(
    pages: list[PageEvidence],
    doc_type: DocumentType = DocumentType.REFERRAL,
    ctx=None,
    doubts: list[Problem] | None = None,
):
    analysis = Analysis(document=_doc(doc_type), pages=pages, doubts=doubts or [])
    return split(analysis, ctx).referrals


def test_pages_of_different_patients_become_separate_referrals(ctx):
    findings = [
        _page(1, PageKind.COVER_SHEET),
        _page(2, name="Jane Doe", dob="1961-03-04"),
        _page(3, PageKind.CLINICAL_NOTES),  # names nobody: continues Jane's referral
        _page(4, name="John Roe", dob="1950-01-01"),
    ]
    referrals = _split(findings, ctx=ctx)
    assert [r.pages for r in referrals] == [[2, 3], [4]]
    assert all(r.evidence.shared and r.evidence.shared[0].number == 1 for r in referrals)
    assert [p.number for p in referrals[0].evidence.pages] == [2, 3]


def test_one_matching_identity_value_keeps_an_ocr_slip_together(ctx):
    findings = [
        _page(2, name="Jane Doe", dob="1961-03-04"),
        _page(3, name="Jane Doe", dob="1961-03-01"),
    ]  # DOB misread on page 3
    assert [d.pages for d in _split(findings, ctx=ctx)] == [[2, 3]]


def test_a_second_different_clinical_question_starts_a_referral(ctx):
    findings = [
        _page(2, name="Jane Doe", question="Chronic GERD despite PPI, consider EGD"),
        _page(3, question="Thyroid nodule 2 cm on ultrasound, FNA?"),
    ]
    assert [d.pages for d in _split(findings, ctx=ctx)] == [[2], [3]]


def test_non_referral_documents_yield_no_draft(ctx):
    findings = [_page(1, name="Jane Doe")]
    assert _split(findings, DocumentType.LAB_RESULT, ctx) == []


def test_a_note_naming_someone_else_without_referral_evidence_stays(ctx):
    findings = [
        _page(2, name="Jane Doe", dob="1961-03-04", referrer="Dr. Chen"),
        _page(3, PageKind.CLINICAL_NOTES, name="Jone Dae", referrer="Dr. Chen"),  # OCR slip
        _page(4, PageKind.CLINICAL_NOTES, name="John Roe", dob="1950-01-01"),  # another patient
        _page(5, PageKind.OTHER, name="Mary Major", question="Evaluate hip pain"),  # asks
    ]
    assert [r.pages for r in _split(findings, ctx=ctx)] == [[2, 3], [4], [5]]


def test_the_gates_doubt_rides_on_every_referral(ctx):
    doubt = Problem(field="document_type", message="partial evidence", kind="doubt")
    findings = [_page(1, name="Jane Doe"), _page(2, name="John Roe")]
    referrals = _split(findings, ctx=ctx, doubts=[doubt])
    assert len(referrals) == 2 and all(r.problems == [doubt] for r in referrals)


def _weak_name(found: PageEvidence, name: str) -> PageEvidence:
    """The page with a name OCR half-read (confidence 0.38)."""
    weak = Candidate(FieldName.PATIENT_NAME, name, 0.38, found.number, 0, 1, "test")
    return PageEvidence(found.page, [*found.candidates, weak])


def test_half_read_names_tell_patients_apart_when_nothing_else_is_shared(ctx):
    findings = [
        _weak_name(
            _page(2, PageKind.OTHER, mrn="4471203", question="Hip pain, arthroplasty?"),
            "Walters, Henrietta",
        ),
        _page(3, PageKind.CLINICAL_NOTES, dob="1957-02-14"),
        _page(4, PageKind.REFERRAL, name="Dorothy Keller"),  # a second letter: another patient
        _weak_name(_page(5, PageKind.CLINICAL_NOTES), "Dorothy Keler"),
    ]
    assert [r.pages for r in _split(findings, ctx=ctx)] == [[2, 3], [4, 5]]


def test_a_half_read_name_alone_never_splits_a_note_off(ctx):
    findings = [
        _page(2, name="Jane Doe", dob="1961-03-04"),
        _weak_name(_page(3, PageKind.CLINICAL_NOTES), "Jone Dae Hospital"),
    ]
    assert [r.pages for r in _split(findings, ctx=ctx)] == [[2, 3]]
