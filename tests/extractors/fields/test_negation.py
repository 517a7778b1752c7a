"""Negation and assertion (ConText-style): whose finding, present or not, now or before."""

from __future__ import annotations

import pytest

from extractors.fields.negation import assess, sentence_bounds


def status(text: str, finding: str) -> str:
    start = text.index(finding)
    return assess(text, start, start + len(finding)).context


@pytest.mark.parametrize(
    ("text", "finding", "expected"),
    [
        ("Patient denies chest pain.", "chest pain", "negated"),
        ("Chest pain on exertion, no syncope.", "Chest pain on exertion", "affirmed"),
        ("Chest pain on exertion, no syncope.", "syncope", "negated"),
        ("No history of cancer.", "cancer", "negated"),
        ("Negative for hemoptysis.", "hemoptysis", "negated"),
        ("Denies fever, chills, or weight loss.", "weight loss", "negated"),
        ("Without suicidal ideation.", "suicidal ideation", "negated"),
        ("Malignancy has been ruled out.", "Malignancy", "negated"),
        ("Family history of colon cancer.", "colon cancer", "family"),
        ("Her mother had breast cancer at 45.", "breast cancer", "family"),
        ("History of TIA in 2019.", "TIA", "historical"),
        ("Return to the ED if chest pain recurs.", "chest pain", "hypothetical"),
    ],
)
def test_assertion(text: str, finding: str, expected: str) -> None:
    assert status(text, finding) == expected


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        pytest.param("Denies fever but reports weight loss.", "weight loss", id="but-terminates"),
        pytest.param("No fever; melena for two days.", "melena", id="semicolon-terminates"),
        pytest.param("No fever. Melena for two days.", "Melena", id="sentence-ends"),
        pytest.param("No change in the mass, mass enlarging.", "mass", id="pseudo-no-change"),
        pytest.param("Not only chest pain but dyspnea.", "chest pain", id="pseudo-not-only"),
        pytest.param("Rule out malignancy.", "malignancy", id="rule-out-is-a-suspicion"),
        pytest.param(
            "Negative stress test, chest pain on exertion persists.", "chest pain on exertion",
            id="comma-ends-a-clause",
        ),
        pytest.param(
            "Daughter brought her in for new confusion.", "new confusion", id="relative-present"
        ),
    ],
)
def test_affirmed(text: str, finding: str) -> None:
    assert status(text, finding) == "affirmed"


def test_excludes_covers_negated_family_hypothetical_not_historical() -> None:
    text = "Denies melena. Family history of lymphoma. If jaundice develops call. Prior TIA."
    flags = {f: assess(text, text.index(f), text.index(f) + len(f)) for f in
             ("melena", "lymphoma", "jaundice", "TIA")}
    assert [flags[f].excludes for f in ("melena", "lymphoma", "jaundice")] == [True] * 3
    assert flags["TIA"].historical and not flags["TIA"].excludes


def test_sentence_bounds_stop_at_a_new_label_line() -> None:
    text = "HPI: chest pain\nROS: denies fever"
    start = text.index("chest")
    s0, s1 = sentence_bounds(text, start, start + 10)
    assert text[s0:s1] == "HPI: chest pain"
