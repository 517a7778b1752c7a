"""Layout: label → value pairs with geometry, sections, continuation lines."""

from __future__ import annotations

from extractors.fields.layout import find_labels, following_lines, labelled_values, section_of
from tests.extractors.fields.conftest import words_of


def _by_key(values):
    return {v.label_key: v for v in values}


def test_values_right_of_labels_split_at_next_label(make_page) -> None:
    page = make_page(["DOB: 01/02/1960   Sex: F   MRN: 12345"])
    got = _by_key(labelled_values(page))
    assert got["patient.dob"].text == "01/02/1960"
    assert got["patient.sex"].text == "F"
    assert got["patient.mrn"].text == "12345"
    assert got["patient.dob"].position == "right"
    assert got["patient.dob"].score == 1.0


def test_value_span_maps_to_its_words(make_page) -> None:
    page = make_page(["Patient Name: Jane Doe   DOB: 03/04/1961", "Phone: (312) 555-0147"])
    value = _by_key(labelled_values(page))["patient.name"]
    assert words_of(page, value.start, value.end) == ["Jane", "Doe"]
    assert page.text()[value.label_start : value.label_end] == "Patient Name"


def test_values_below_labels_in_their_column(make_page) -> None:
    page = make_page(
        [
            "Patient Name        Date of Birth      Sex",
            "Jane Doe            03/04/1961         F",
        ]
    )
    got = _by_key(labelled_values(page))
    assert got["patient.name"].text == "Jane Doe"
    assert got["patient.dob"].text == "03/04/1961"
    assert got["patient.sex"].text == "F"
    assert got["patient.dob"].position == "below"
    assert 0.8 <= got["patient.dob"].score < 1.0


def test_label_row_under_label_is_not_a_value(make_page) -> None:
    page = make_page(["Patient Name:", "DOB: 03/04/1961"])
    got = _by_key(labelled_values(page))
    assert "patient.name" not in got
    assert got["patient.dob"].text == "03/04/1961"


def test_inline_label_in_prose(make_page) -> None:
    page = make_page(["I am referring my patient Jane Doe, DOB 03/04/1961, for evaluation."])
    value = _by_key(labelled_values(page))["patient.dob"]
    assert value.position == "inline"
    assert value.text.startswith("03/04/1961")
    assert value.score < 0.9


def test_words_after_an_inline_label_must_look_like_a_value(make_page) -> None:
    """GIVEN "Cell" followed by prose WHEN read THEN it is no phone label."""
    page = make_page(["Cell counts were normal."])
    assert labelled_values(page) == []


def test_ocr_noisy_labels(make_page) -> None:
    page = make_page(["Dat e of Birth: 03/04/1961", "D0B: 03/04/1961", "Phone#: 312-555-0147"])
    keys = [v.label_key for v in labelled_values(page)]
    assert keys == ["patient.dob", "patient.dob", "patient.phone"]


def test_section_headers_scope_ambiguous_labels(make_page) -> None:
    page = make_page(
        [
            "PATIENT INFORMATION",
            "Name: DOE, JANE",
            "Phone: 312-555-0147",
            "REFERRING PROVIDER",
            "Name: Dr. Sarah Chen, MD   NPI: 1234567893",
            "Phone: 312 555 0100   Fax: 312 555 0101",
        ]
    )
    got = [(v.label_key, v.text) for v in labelled_values(page)]
    assert ("patient.phone", "312-555-0147") in got
    assert ("referring.phone", "312 555 0100") in got
    assert ("referring.fax", "312 555 0101") in got
    assert ("referring.name", "Dr. Sarah Chen, MD") in got
    assert ("patient.name", "DOE, JANE") in got


def test_two_column_sections(make_page) -> None:
    page = make_page(
        [
            "PATIENT INFORMATION                     INSURANCE",
            "Name: Jane Doe                          Payer: Aetna",
            "Phone: 312-555-0147                     Phone: 800-555-1212",
        ]
    )
    got = [(v.label_key, v.text) for v in labelled_values(page)]
    assert ("patient.phone", "312-555-0147") in got
    assert ("insurance.phone", "800-555-1212") in got
    assert ("insurance.payer", "Aetna") in got


def test_fax_cover_from_block_fax_is_the_referring_fax(make_page) -> None:
    page = make_page(
        [
            "To: Cardiology Associates          From: Lakeside Family Medicine",
            "Fax: 312-555-1111                  Fax: 312-555-2222",
        ]
    )
    got = {(v.label_key, v.text) for v in labelled_values(page)}
    assert ("referring.fax", "312-555-2222") in got
    assert ("referred_to.fax", "312-555-1111") in got


def test_qualifier_before_generic_label(make_page) -> None:
    page = make_page(["Patient Name: Jane Doe", "Referring Provider Phone: 312-555-0100"])
    assert "referring.phone" in _by_key(labelled_values(page))


def test_letterhead_contacts_belong_to_the_sender(make_page) -> None:
    page = make_page(
        [
            "            Lakeside Family Medicine",
            "   Phone (312) 555-0100  |  Fax (312) 555-0101",
            "",
            "RE: Jane Doe, DOB 03/04/1961",
        ]
    )
    got = _by_key(labelled_values(page))
    assert got["referring.phone"].section == "letterhead"
    assert got["referring.fax"].text == "(312) 555-0101"
    assert section_of(page, page.text().index("Jane")) == "patient"


def test_following_lines_continue_a_value_in_its_column(make_page) -> None:
    page = make_page(
        [
            "Address: 123 Main St          MRN: 555",
            "         Springfield, IL 62704",
            "Phone: 312-555-0147",
        ]
    )
    value = _by_key(labelled_values(page))["patient.address"]
    lines = following_lines(page, value)
    assert [page.text()[s:e] for s, e in lines] == ["Springfield, IL 62704"]


def test_find_labels_reports_headers(make_page) -> None:
    page = make_page(["PATIENT INFORMATION", "Name: Jane Doe"])
    labels = find_labels(page)
    assert labels[0].header
    assert labels[0].section == "patient"
    assert labels[1].key == "patient.name"


def test_a_repeated_field_starts_the_next_block(make_page) -> None:
    """GIVEN a referring block then a patient block, no headers WHEN "Name"/"Phone" repeat
    THEN they are not read as the referring provider's."""
    page = make_page(
        [
            "Referred by: Dr. Sarah Chen",
            "Office Phone: 312-555-0100",
            "Name: Jane Doe",
            "Phone: 312-555-0147",
        ]
    )
    got = {(v.label_key, v.text) for v in labelled_values(page)}
    assert ("patient.name", "Jane Doe") in got
    assert ("patient.phone", "312-555-0147") in got


def test_table_header_cell_is_not_a_section_header(make_page) -> None:
    page = make_page(
        [
            "Patient Name        D.O.B.",
            "Jane Doe            03/04/1961",
            "Referred by: Dr. Sarah Chen",
            "Phone: 312-555-0100",
        ]
    )
    got = {(v.label_key, v.text) for v in labelled_values(page)}
    assert ("referring.phone", "312-555-0100") in got


def test_document_title_is_not_a_label(make_page) -> None:
    page = make_page(["REFERRAL FORM", "Patient Name: Jane Doe"])
    assert [lab.key for lab in find_labels(page)] == ["patient.name"]


def test_prose_label_ending_a_line_takes_the_wrapped_value(make_page) -> None:
    page = make_page(["Please see her soon. Insurance:", "Aetna, member ID W123456. Thank you."])
    got = _by_key(labelled_values(page))
    assert got["insurance.payer"].text.startswith("Aetna")
    assert got["insurance.payer"].position == "inline"


def test_state_code_is_not_an_id_label(make_page) -> None:
    page = make_page(["Address: 1 Main St, Boise, ID 83702"])
    assert "patient.mrn" not in _by_key(labelled_values(page))


def test_value_printed_off_the_label_line_is_an_alternative(make_page) -> None:
    """GIVEN a form whose values were overlaid a little above their labels (OCR puts them on
    their own lines) WHEN read THEN each label offers the offset cell as an alternative."""
    page = make_page(
        [
            "                 M",
            "Sex:",
            "                 (312) 555-0147",
            "Cell:            123 Main St, Springfield, IL 62704",
        ]
    )
    got = _by_key(labelled_values(page))
    sex = got["patient.sex"]
    assert sex.text == "M" or "M" in [alt[2] for alt in sex.alternatives]
    cell = got["patient.phone"]
    assert cell.text.startswith("123 Main")
    assert cell.alternatives[0][2] == "(312) 555-0147"


def test_component_falls_back_to_an_alternative_cell(make_page, extract) -> None:
    page = make_page(["                 (312) 555-0147", "Cell:            123 Main St"])
    found = [c for c in extract(page, "intake_phone") if str(c.name) == "patient.phone"]
    assert [c.value for c in found] == ["+13125550147"]
    assert found[0].confidence <= 0.75


def test_two_columns_of_label_opened_blocks_keep_their_own_contacts(make_page) -> None:
    """GIVEN a cover sheet with Recipient | Sender blocks side by side WHEN read THEN each
    column's Phone/Fax/Organization belongs to its own block, whatever the text lines."""
    page = make_page(
        [
            "Date: 11/05/2026                         Sender: Dr. Nina Patel",
            "Recipient: Dr. Alan Greer                Organization: Brookside Primary Care",
            "Organization: Lakeview Orthopedics       Phone: (614) 555-0420",
            "Phone: (614) 555-0300                    Fax: (614) 555-0421",
            "Fax: (614) 555-0301",
        ]
    )
    got = {(v.label_key, v.text) for v in labelled_values(page)}
    assert ("referring.practice", "Brookside Primary Care") in got
    assert ("referring.phone", "(614) 555-0420") in got
    assert ("referring.fax", "(614) 555-0421") in got
    assert ("referred_to.phone", "(614) 555-0300") in got
    assert not any(k.startswith("patient.") for k, _ in got)
    assert ("referring.practice", "Lakeview Orthopedics") not in got


def test_bare_heading_cell_scopes_its_header_row(make_page) -> None:
    """GIVEN a table header row "Insurance | ID #" under a right-column block WHEN read THEN
    the "ID #" is the member ID (the row's heading cell scopes it), not the block's."""
    page = make_page(
        [
            "Ordering Physician: Dr. Antonio Everett    NPI #: 1589614837",
            "Office Tel: 317-740-5557                   Fax #: 770-365-5394",
            "",
            "Insurance                                  ID #",
            "Molina Healthcare                          DPE033131550",
        ]
    )
    got = {v.label_key: v.text for v in labelled_values(page)}
    assert got["insurance.member_id"] == "DPE033131550"
    assert got["insurance.payer"] == "Molina Healthcare"
