"""Split as a unit: findings per page in, referral drafts out."""

from datetime import UTC, datetime

from extractors.fields.base import Candidate
from models import Document, DocumentType, FieldName, PageKind
from pipeline.stages.find import PageFindings
from pipeline.stages.split import split


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


def _page(n: int, kind: PageKind = PageKind.REFERRAL, **values: str) -> PageFindings:
    names = {
        "name": FieldName.PATIENT_NAME,
        "dob": FieldName.PATIENT_DOB,
        "mrn": FieldName.PATIENT_MRN,
        "question": FieldName.REFERRAL_CLINICAL_QUESTION,
    }
    cands = [
        Candidate(name=names[k], value=v, confidence=0.9, page=n, start=0, end=1, extractor="test")
        for k, v in values.items()
    ]
    return PageFindings(page=n, kind=kind, candidates=cands, text="text")


def test_pages_of_different_patients_become_separate_referrals(ctx):
    findings = [
        _page(1, PageKind.COVER_SHEET),
        _page(2, name="Jane Doe", dob="1961-03-04"),
        _page(3, PageKind.CLINICAL_NOTES),  # names nobody: continues Jane's referral
        _page(4, name="John Roe", dob="1950-01-01"),
    ]
    drafts = split(_doc(), findings, ctx)
    assert [d.pages for d in drafts] == [[2, 3], [4]]
    assert all(d.shared and d.shared[0].page == 1 for d in drafts)


def test_one_matching_identity_value_keeps_an_ocr_slip_together(ctx):
    findings = [
        _page(2, name="Jane Doe", dob="1961-03-04"),
        _page(3, name="Jane Doe", dob="1961-03-01"),
    ]  # DOB misread on page 3
    assert [d.pages for d in split(_doc(), findings, ctx)] == [[2, 3]]


def test_a_second_different_clinical_question_starts_a_referral(ctx):
    findings = [
        _page(2, name="Jane Doe", question="Chronic GERD despite PPI, consider EGD"),
        _page(3, question="Thyroid nodule 2 cm on ultrasound, FNA?"),
    ]
    assert [d.pages for d in split(_doc(), findings, ctx)] == [[2], [3]]


def test_non_referral_documents_yield_no_draft(ctx):
    findings = [_page(1, name="Jane Doe")]
    assert split(_doc(DocumentType.LAB_RESULT), findings, ctx) == []
