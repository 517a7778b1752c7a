"""The scoring added for the held-out set, on hand-made results: calibration bins, under-triage,
stated/implied splits, non-referrals turned into referrals; and bench.accuracy's refusal to
show held-out mismatches."""

from __future__ import annotations

import pytest

from bench.accuracy import main as accuracy_main
from samples.calibration import Calibration, bin_index
from samples.scoring import Score, score_document


def _field(value, confidence):
    return {"value": value, "confidence": confidence, "page": 1, "box": None}


def _truth_ref(pages, urgency, specialty, *, urgency_stated, specialty_stated, **fields):
    return {
        "pages": pages,
        "urgency_stated": urgency_stated,
        "specialty_stated": specialty_stated,
        "fields": {"referral.urgency": urgency, "referral.specialty": specialty, **fields},
    }


def test_bin_edges() -> None:
    assert [bin_index(c) for c in (0.0, 0.49, 0.5, 0.69, 0.7, 0.8, 0.9, 0.949, 0.95, 1.0)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        4,
        4,
        5,
        5,
    ]
    table = Calibration()
    table.add(0.97, True)
    table.add(0.96, False)
    table.add(0.3, True)
    table.add(None, True)  # no confidence: not binned
    rows = table.table()
    assert [r["count"] for r in rows] == [1, 0, 0, 0, 0, 2]
    assert rows[5] == {"bin": "0.95-1.00", "count": 2, "share_correct": 0.5}
    assert rows[1]["share_correct"] is None


def test_calibration_counts_every_predicted_field_right_or_wrong() -> None:
    truth = {
        "document_type": "referral",
        "referrals": [
            _truth_ref(
                [1],
                "routine",
                "cardiology",
                urgency_stated=True,
                specialty_stated=True,
                **{"patient.name": "Jane Doe", "patient.dob": "1961-04-02"},
            )
        ],
    }
    result = {
        "document_type": "referral",
        "referrals": [
            {
                "pages": [1],
                "fields": {
                    "patient.name": _field("JANE DOE", 0.97),  # right (case-insensitive)
                    "patient.dob": _field("1961-02-04", 0.92),  # wrong
                    "patient.mrn": _field("A123456", 0.55),  # not in the truth: wrong
                    "referral.urgency": _field("routine", 0.85),
                    "referral.specialty": _field("cardiology", 0.75),
                },
            }
        ],
    }
    score = Score()
    score_document(result, truth, score)
    rows = {r["bin"]: r for r in score.report()["calibration"]}
    assert rows["0.95-1.00"]["count"] == 1 and rows["0.95-1.00"]["share_correct"] == 1.0
    assert rows["0.90-0.95"]["share_correct"] == 0.0
    assert rows["0.50-0.70"]["share_correct"] == 0.0
    assert rows["0.80-0.90"]["share_correct"] == 1.0
    assert rows["0.70-0.80"]["share_correct"] == 1.0


def test_under_triage_and_stated_implied_splits() -> None:
    truth = {
        "document_type": "referral",
        "referrals": [
            _truth_ref([1], "urgent", "neurology", urgency_stated=False, specialty_stated=False),
            _truth_ref([2], "stat", "cardiology", urgency_stated=True, specialty_stated=True),
            _truth_ref([3], "urgent", "urology", urgency_stated=True, specialty_stated=True),
            _truth_ref([4], "routine", "dermatology", urgency_stated=True, specialty_stated=False),
        ],
    }
    result = {
        "document_type": "referral",
        "referrals": [
            # implied urgent read as routine: under-triaged; implied specialty right
            {
                "pages": [1],
                "fields": {
                    "referral.urgency": _field("routine", 0.6),
                    "referral.specialty": _field("neurology", 0.7),
                },
            },
            # stated STAT read as urgent: wrong but not under-triage; stated specialty wrong
            {
                "pages": [2],
                "fields": {"referral.specialty": _field("pulmonology", 0.7)},
                "triage": {"urgency": "urgent", "specialty": "pulmonology"},
            },
            # page 3 not found at all: under-triaged
            {
                "pages": [4],
                "fields": {
                    "referral.urgency": _field("routine", 0.9),
                    "referral.specialty": _field("urology", 0.7),
                },
            },
        ],
    }
    score = Score()
    score_document(result, truth, score)
    report = score.report()
    assert (report["urgent_truths"], report["under_triaged"]) == (3, 2)
    assert report["under_triage_rate"] == round(2 / 3, 4)
    assert report["urgency_accuracy_stated"] == 0.3333  # stat->urgent wrong, p3 missing, p4 right
    assert report["specialty_accuracy_stated"] == 0.0  # p2 wrong, p3 missing
    assert report["specialty_accuracy_implied"] == 0.5  # p1 right, p4 wrong
    assert report["referral_count_accuracy"] == 0.0
    assert report["nonreferrals_as_referrals"] == 0


def test_non_referral_turned_into_referral_is_counted() -> None:
    score = Score()
    lab = {"document_type": "lab_result", "referrals": []}
    score_document(
        {"document_type": "referral", "referrals": [{"pages": [1], "fields": {}}]}, lab, score
    )
    score_document({"document_type": "lab_result", "referrals": []}, lab, score)
    report = score.report()
    assert (report["nonreferral_documents"], report["nonreferrals_as_referrals"]) == (2, 1)
    assert report["under_triage_rate"] is None
    assert report["document_type_accuracy"] == 0.5


def test_own_truth_without_stated_flags_still_scores() -> None:
    truth = {
        "document_type": "referral",
        "referrals": [
            {
                "pages": [1],
                "specialty_stated": True,
                "fields": {"referral.urgency": "urgent", "referral.specialty": "urology"},
            }
        ],
    }
    result = {
        "referrals": [
            {
                "pages": [1],
                "fields": {
                    "referral.urgency": _field("urgent", 0.9),
                    "referral.specialty": _field("urology", 0.9),
                },
            }
        ]
    }
    score = Score()
    score_document(result, truth, score)
    report = score.report()
    assert report["urgency_accuracy_stated"] is None  # the flag is unknown, not assumed
    assert report["specialty_accuracy_stated"] == 1.0
    assert report["overall"]["f1"] == 1.0


@pytest.mark.parametrize("which", ["heldout", "heldout2", "both", "all"])
def test_accuracy_refuses_mismatches_for_the_held_out_set(which, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        accuracy_main(["--set", which, "--mismatches", "5", "--count", "1"])
    assert exc.value.code == 2
    assert "held-out" in capsys.readouterr().err
