"""referral.urgency: checked boxes (also as fax OCR renders them), labels, phrases.

The rule that matters most: an option next to an empty box is never taken.
"""

from __future__ import annotations

import pytest

from extractors.fields.urgency import mark_state
from tests.extractors.fields.clinical_helpers import build_page, values

URGENCY = "referral.urgency"


def urgency_of(*lines: str) -> list[tuple[str, float, tuple[str, ...]]]:
    page = build_page(list(lines))
    return [(c.value, c.confidence, c.notes) for c in values(page, "intake_urgency", URGENCY)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("Urgency: ☐ Routine ☒ Urgent ☐ STAT", "urgent", id="unicode-boxes"),
        pytest.param("Priority: [ ] Routine [X] Urgent", "urgent", id="brackets"),
        pytest.param("(x) STAT ( ) Urgent ( ) Routine", "stat", id="parens"),
        pytest.param("■ Routine □ Urgent", "routine", id="filled-square"),
        pytest.param("Urgency: ☑ Routine ☐ Urgent", "routine", id="ballot-check"),
        pytest.param("Urgent [X]   Routine [ ]", "urgent", id="boxes-after-words"),
        pytest.param("Urgency: [] Routine [J] Urgent [XJ] STAT", "stat", id="ocr-XJ"),
        pytest.param("Urgency:. (] STAT &l Urgent [] Routine", "urgent", id="ocr-ampersand"),
        pytest.param("Djroutine |WMurgent . Dstat", "urgent", id="ocr-glued-marks"),
        pytest.param("Urgency: Routine X Urgent", "urgent", id="ocr-empty-box-lost"),
    ],
)
def test_checked_option_is_taken(line: str, expected: str) -> None:
    found = urgency_of(line)
    assert [v for v, _, _ in found] == [expected]
    assert found[0][1] >= 0.8
    assert found[0][2] == ("checkbox",)


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(["Urgency: O Routine O Urgent O STAT"], id="all-empty-O"),
        pytest.param(["Routine   Urgent   STAT"], id="printed-options-no-marks"),
        pytest.param(["[ ] Urgent please see at a time that suits"], id="unchecked-in-prose"),
        pytest.param(["☐ Routine", "☐ Urgent", "☐ STAT"], id="vertical-all-empty"),
        pytest.param(["Urgent: ☐ Yes ☒ No"], id="yes-no-answered-no"),
    ],
)
def test_unchecked_option_is_never_taken(lines: list[str]) -> None:
    assert urgency_of(*lines) == []


def test_one_unmarked_option_among_empty_boxes_is_inferred_with_lower_confidence() -> None:
    """GIVEN fax OCR that dropped the filled box but kept the empty ones
    WHEN the row is read THEN the unmarked option is taken, below a visible tick."""
    (value, conf, notes), = urgency_of("Priority: [ Routine Urgent [) STAT")
    assert value == "urgent"
    assert 0.6 <= conf < 0.8
    assert notes == ("checkbox_inferred",)


def test_inferred_when_box_borders_were_erased_before_ocr() -> None:
    (value, _, notes), = urgency_of("Urgency:. J STAT Urgent [7 Routine")
    assert (value, notes) == ("urgent", ("checkbox_inferred",))


def test_vertical_checkbox_list() -> None:
    assert [v for v, _, _ in urgency_of("☐ Routine", "☒ Urgent", "☐ STAT")] == ["urgent"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Priority: Routine", "routine"), ("Priority: STAT", "stat"),
     ("Priority: STAT - same day", "stat")],
)
def test_single_word_after_label(line: str, expected: str) -> None:
    (value, conf, notes), = urgency_of(line)
    assert (value, notes) == (expected, ("label",))
    assert conf >= 0.85


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Please see this patient within 48 hours.", "urgent"),
        ("Please see this patient within 1 week.", "urgent"),
        ("I would appreciate an urgent appointment.", "urgent"),
        ("This is a STAT referral; please see the patient today.", "stat"),
        ("Please see her ASAP.", "urgent"),
        ("A routine appointment at your earliest convenience is appropriate.", "routine"),
    ],
)
def test_phrases(sentence: str, expected: str) -> None:
    found = urgency_of(sentence)
    assert found and found[0][0] == expected
    assert found[0][1] < 0.8  # a phrase is weaker than a ticked box


@pytest.mark.parametrize(
    "sentence",
    [
        "Systolic murmur found on routine exam.",
        "STAT labs drawn today.",
        "If symptoms worsen go to the ER urgently.",
        "Seen at urgent care last week.",
    ],
)
def test_phrases_that_do_not_state_urgency(sentence: str) -> None:
    assert urgency_of(sentence) == []


def test_mark_states() -> None:
    assert mark_state("☒") == "checked"
    assert mark_state("[XJ]") == "checked"
    assert mark_state("[ ]") == "unchecked"
    assert mark_state("O") == "unchecked"
    assert mark_state("[l") is None
    assert mark_state("") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("Requested timeframe: ☐ Within 24 hours ☒ Within 1 week ☐ Within 4-6 weeks",
                     ["urgent"], id="timeframe-options"),
        pytest.param("Schedule within: [ ] 24 hours [ ] 72 hours [X] 2-4 weeks", ["routine"],
                     id="timeframe-routine"),
        pytest.param("Is this referral urgent? ☒ Yes ☐ No", ["urgent"], id="question-yes"),
        pytest.param("Is this referral urgent? ☐ Yes ☒ No", [], id="question-no"),
        pytest.param("Priority: ☐ Low ☒ High", ["urgent"], id="labelled-low-high"),
        pytest.param("Risk: ☐ Low ☒ High", [], id="low-high-without-urgency-label"),
        pytest.param("Priority: Urgent (within 1 week)", ["urgent"], id="value-with-timeframe"),
    ],
)
def test_option_groups_in_other_words(line: str, expected: list[str]) -> None:
    """Issue 6 classes 2/4: time frames and yes/no questions are urgency option groups too."""
    assert [v for v, _, _ in urgency_of(line)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("I would be grateful if you could see her as a matter of urgency.", "urgent"),
        ("Please arrange a prompt assessment of this lesion.", "urgent"),
        ("Stat consult requested for the patient.", "stat"),
        ("I would be grateful if you could see him urgently.", "urgent"),
    ],
)
def test_urgency_stated_in_other_words(sentence: str, expected: str) -> None:
    found = urgency_of(sentence)
    assert found and found[0][0] == expected


def test_negated_urgency_words_state_nothing() -> None:
    found = urgency_of("There is no urgency to this referral.")
    assert [v for v, _, _ in found if v != "routine"] == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Priority: Normai", "routine"),
        ("Prionty: Rouline", "routine"),
        ("Urgeney: Urgenl (within 1 week)", "urgent"),
        ("Time frame: Within 1 weck", "urgent"),
    ],
)
def test_fax_misread_label_and_option_are_read_fuzzily(line: str, expected: str) -> None:
    """Issue 6 class 4: at fax resolution both the label and the option word may carry an
    OCR slip; a close label and a close option still state the urgency (below the confidence
    of a clean reading)."""
    found = values(build_page(["Patient Name: Mary Jones", line]), "intake_urgency", URGENCY)
    assert found and found[0].value == expected
    assert found[0].confidence < 0.9


@pytest.mark.parametrize("line", ["Prior Auth: Approved", "Activity: Routine walking"])
def test_other_labels_are_not_urgency(line: str) -> None:
    found = values(build_page(["Patient Name: Mary Jones", line]), "intake_urgency", URGENCY)
    assert all(c.confidence < 0.7 for c in found)
