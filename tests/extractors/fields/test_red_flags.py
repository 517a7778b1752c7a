"""Red flags: rule, urgency, span, and negated mentions reported but marked negated."""

from __future__ import annotations

import pytest

from extractors.fields.red_flags import RedFlag, find_red_flags, scan, strongest
from models.vocab import Urgency
from tests.extractors.fields.clinical_helpers import build_page, doc_for


def rules_in(text: str) -> list[tuple[str, str, bool]]:
    return [(f.rule, f.text, f.negated) for f in scan(text)]


@pytest.mark.parametrize(
    ("text", "rule", "urgency"),
    [
        ("Chest pain on exertion for 3 weeks.", "cardiac_chest_pain", Urgency.URGENT),
        ("Changing pigmented lesion; suspected melanoma.", "suspected_malignancy",
         Urgency.URGENT),
        ("Lung nodule suspicious for malignancy on CT.", "suspected_malignancy", Urgency.URGENT),
        ("New onset unilateral weakness of the right arm.", "stroke_symptoms", Urgency.URGENT),
        ("Sudden painless vision loss in the left eye.", "sudden_vision_loss", Urgency.URGENT),
        ("Two episodes of melena this week.", "gi_bleeding", Urgency.URGENT),
        ("Unexplained weight loss of 20 lb.", "unexplained_weight_loss", Urgency.URGENT),
        ("Saddle anesthesia since this morning.", "cauda_equina", Urgency.STAT),
        ("8 weeks pregnant with vaginal bleeding.", "pregnancy_bleeding", Urgency.STAT),
        ("Episode of TIA last week.", "tia", Urgency.URGENT),
        ("Rapidly progressive weakness of both legs.", "rapidly_progressive", Urgency.URGENT),
    ],
)
def test_rule_fires(text: str, rule: str, urgency: Urgency) -> None:
    flags = scan(text)
    assert any(f.rule == rule and f.urgency is urgency and not f.negated for f in flags)


def test_span_points_at_the_phrase() -> None:
    text = "HPI: Chest pain on exertion, no syncope."
    (flag,) = scan(text)
    assert text[flag.start : flag.end] == flag.text == "Chest pain on exertion"


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("ROS: denies melena or hematochezia.", "negated"),
        ("Family history of lymphoma in father.", "family"),
        ("History of TIA in 2019, no recurrence.", "historical"),
        ("Go to the ED if you notice melena.", "hypothetical"),
    ],
)
def test_non_current_mentions_are_returned_negated(text: str, context: str) -> None:
    flags = scan(text)
    assert flags and all(f.negated for f in flags)
    assert flags[0].context == context


@pytest.mark.parametrize(
    "text",
    [
        "Abdominal aortic aneurysm 4.6 cm on ultrasound, surveillance vs repair.",
        "Screening colonoscopy, family history of colon cancer in father.",
        "Tia Johnson, DOB 03/04/1961",  # a name, not a TIA
        "Chest pain, atypical, at rest after meals.",
    ],
)
def test_no_flag(text: str) -> None:
    assert [f for f in scan(text) if not f.negated] == []


def test_overlaps_keep_the_longest_phrase() -> None:
    assert rules_in("Exertional chest pain with chest pain on exertion.") == [
        ("cardiac_chest_pain", "Exertional chest pain", False),
        ("cardiac_chest_pain", "chest pain on exertion", False),
    ]


def test_component_spans_and_find_red_flags_agree() -> None:
    page = build_page(["HPI: suspected lymphoma; denies melena.", "Plan: urgent CT."], number=2)
    doc = doc_for(page, "intake_red_flags")
    flags = find_red_flags(doc)
    assert [(f.rule, f.negated, f.page) for f in flags] == [
        ("suspected_malignancy", False, 2),
        ("gi_bleeding", True, 2),
    ]
    assert {s.text for s in doc.spans["red_flags"]} == {"suspected lymphoma", "melena"}
    assert find_red_flags(doc_for(page)) == flags  # scanned when the component did not run


def test_strongest_ignores_negated() -> None:
    flags = [
        RedFlag("cauda_equina", "x", "saddle anesthesia", 0, 5, Urgency.STAT, negated=True),
        RedFlag("gi_bleeding", "x", "melena", 10, 16, Urgency.URGENT),
    ]
    assert strongest(flags).rule == "gi_bleeding"
    assert strongest(flags[:1]) is None
