"""End to end over every committed sample: real files, real Tesseract, compared with truth."""

import pytest

from pipeline.runner import process
from samples.scoring import Score, score_document
from tests.conftest import sample_documents, truth_of

DOCS = sample_documents("referrals")
# A behaviour floor per document, far below the benchmark targets: it catches a broken stage
# (no OCR, lost boxes, wrong split), not a percent of accuracy.
MIN_DOC_F1 = 0.6


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_sample_matches_its_truth(path, ctx, store):
    truth = truth_of(path)
    result = process(path, ctx, store).to_contract()

    assert result["status"] == "processed", result["error"]
    assert result["pages"] == truth["page_count"]
    assert (result["document_type"] or "referral") == truth["document_type"]
    assert len(result["referrals"]) == len(truth["referrals"])
    for referral in result["referrals"]:
        assert referral["status"] == "needs_review"
        assert referral["triage"]["urgency"] in {"stat", "urgent", "routine"}
        assert referral["triage"]["reasons"]
        for name, field in referral["fields"].items():
            assert 0.0 <= field["confidence"] <= 1.0, name
            if field["box"] is not None:
                x0, y0, x1, y1 = field["box"]
                assert 0 <= x0 <= x1 <= 1 and 0 <= y0 <= y1 <= 1, name
                assert field["page"] in referral["pages"] or field["page"] >= 1
        assert set(referral["missing"]).isdisjoint(referral["fields"])
    if truth["referrals"]:
        score = Score()
        score_document(result, truth, score)
        assert score.overall()["f1"] >= MIN_DOC_F1, score.mismatches


@pytest.mark.slow
def test_reprocessing_the_same_bytes_returns_the_stored_result(ctx, store, tmp_path):
    path = next(p for p in DOCS if p.suffix == ".pdf" and truth_of(p)["referrals"])
    first = process(path, ctx, store)
    copy = tmp_path / "again.pdf"
    copy.write_bytes(path.read_bytes())
    second = process(copy, ctx, store)
    assert not first.duplicate and second.duplicate
    assert second.document_id == first.document_id
    assert [r.id for r in second.referrals] == [r.id for r in first.referrals]
    assert store.count_referrals() == len(first.referrals)
    assert store.count_deliveries(first.sha256) == 2
