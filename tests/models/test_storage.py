from datetime import UTC, datetime

from models import Document, Field, FieldName, Referral
from models.storage import Store


def _document(sha: str = "b" * 64) -> Document:
    return Document(
        sha256=sha,
        media_type="application/pdf",
        size_bytes=1,
        source_name="f.pdf",
        received_at=datetime.now(UTC),
        page_count=1,
    )


def _referral(doc: Document) -> Referral:
    return Referral(
        document_id=doc.id,
        pages=[1],
        fields={
            FieldName.PATIENT_NAME: Field(
                name=FieldName.PATIENT_NAME, value="Jane Doe", confidence=0.9
            )
        },
    )


def test_saving_the_same_bytes_twice_keeps_one_referral(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'q.db'}")
    doc = _document()
    first = store.save_processed(doc, [_referral(doc)])
    again = _document()  # same sha256, new id: a re-delivery
    second = store.save_processed(again, [_referral(again)])
    assert first.created and not second.created
    assert second.document_id == first.document_id
    assert store.count_referrals() == 1
    assert store.referrals_of(first.document_id)[0].value(FieldName.PATIENT_NAME) == "Jane Doe"


def test_a_success_supersedes_an_earlier_quarantine(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'q.db'}")
    doc = _document("c" * 64)
    store.save_quarantined(doc, "ocr_timeout", "ocr_timeout: slow")
    assert store.document_by_sha(doc.sha256).status == "quarantined"
    retry = _document("c" * 64)
    outcome = store.save_processed(retry, [_referral(retry)])
    assert outcome.created
    assert store.document_by_sha(doc.sha256).status == "processed"
    assert store.count_referrals() == 1
