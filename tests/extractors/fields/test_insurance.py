"""Payer, member ID and group number."""

from __future__ import annotations

from tests.extractors.fields.conftest import best, words_of


def test_labelled_insurance_fields(make_page, extract) -> None:
    page = make_page(
        [
            "INSURANCE",
            "Payer: Blue Cross Blue Shield of Illinois",
            "Member ID: XKJ123456789     Group #: 00471.",
        ]
    )
    cands = extract(page, "intake_insurance")
    payer = best(cands, "insurance.payer")
    assert payer.value == "Blue Cross Blue Shield of Illinois"
    assert payer.confidence >= 0.95
    assert best(cands, "insurance.member_id").value == "XKJ123456789"
    group = best(cands, "insurance.group_number")
    assert group.value == "00471"
    assert words_of(page, group.start, group.end) == ["00471."]


def test_unknown_payer_after_label_is_accepted_lower(make_page, extract) -> None:
    page = make_page(["Insurance: Acme Mutual Health Plan"])
    payer = best(extract(page, "intake_insurance"), "insurance.payer")
    assert payer.value == "Acme Mutual Health Plan"
    assert 0.6 <= payer.confidence < 0.9


def test_payer_ticked_in_checkbox_row(make_page, extract) -> None:
    page = make_page(["Insurance: [ ] Medicaid [X] Aetna PPO [ ] Self-pay"])
    assert best(extract(page, "intake_insurance"), "insurance.payer").value == "Aetna PPO"


def test_payer_and_member_id_in_letter_prose(make_page, extract) -> None:
    page = make_page(["She is covered by Insurance: Aetna, member ID W12345678."])
    cands = extract(page, "intake_insurance")
    assert best(cands, "insurance.payer").value == "Aetna"
    member = best(cands, "insurance.member_id")
    assert member.value == "W12345678"
    assert member.confidence < 0.9


def test_known_payer_named_without_label(make_page, extract) -> None:
    page = make_page(["Her UnitedHealthcare plan requires a referral."])
    payer = best(extract(page, "intake_insurance"), "insurance.payer")
    assert payer.value == "UnitedHealthcare"
    assert payer.confidence <= 0.5


def test_placeholder_values_are_not_ids(make_page, extract) -> None:
    page = make_page(["Member ID: N/A   Group #: none"])
    cands = extract(page, "intake_insurance")
    assert best(cands, "insurance.member_id") is None
    assert best(cands, "insurance.group_number") is None


def test_id_read_in_groups_is_joined(make_page, extract) -> None:
    page = make_page(["INSURANCE", "Group: GRP 4859933"])
    cands = extract(page, "intake_insurance")
    found = [c for c in cands if str(c.name) == "insurance.group_number"]
    assert [c.value for c in found] == ["GRP4859933"]


def test_member_id_wrapped_to_next_line_of_prose(make_page, extract) -> None:
    page = make_page(
        ["The patient can be reached by phone. Insurance: Oscar Health, member ID", "LHT28986858."]
    )
    member = best(extract(page, "intake_insurance"), "insurance.member_id")
    assert member.value == "LHT28986858"
    assert member.confidence <= 0.7


def test_ids_and_payer_stated_in_letter_prose(make_page, extract) -> None:
    """GIVEN a letter: "insured through Premera Blue Cross, member W284716655, group 0871234"
    WHEN read THEN payer and both IDs, below trusted confidence (no labels)."""
    page = make_page(
        ["He is insured through Premera Blue Cross, member W284716655, group 0871234."]
    )
    cands = extract(page, "intake_insurance")
    got = {str(c.name): c for c in cands}
    assert got["insurance.member_id"].value == "W284716655"
    assert got["insurance.group_number"].value == "0871234"
    assert got["insurance.payer"].value == "Premera Blue Cross"
    assert all(c.confidence < 0.9 for c in cands)


def test_member_words_without_an_id_are_not_ids(make_page, extract) -> None:
    page = make_page(["She is a member of the choir and joined a support group last year."])
    assert extract(page, "intake_insurance") == []
    page = make_page(["Grouc No.", "GRP6174126"])  # an unread label: "GRP" is not the cue
    assert "6174126" not in [c.value for c in extract(page, "intake_insurance")]
    page = make_page(["Lakeside Medical Group", "72329 Hall Junction, Reno, NV 89501"])
    assert extract(page, "intake_insurance") == []  # an org name's "Group", then a street
