"""Check and triage as units: built referrals with their evidence, no files."""

from dataclasses import replace
from datetime import UTC, date, datetime

from models import (
    Analysis,
    Box,
    Document,
    Evidence,
    Field,
    FieldName,
    Page,
    PageEvidence,
    Problem,
    RedFlag,
    Referral,
    Urgency,
    Word,
)
from models.vocab import PageKind
from pipeline.stages.check import check, check_referral
from pipeline.stages.triage import triage_referral

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _field(name: FieldName, value, confidence: float = 0.95) -> Field:
    return Field(name=name, value=value, confidence=confidence)


def _complete(**overrides) -> Referral:
    values = {
        FieldName.PATIENT_NAME: "Jane Doe",
        FieldName.PATIENT_DOB: "1961-03-04",
        FieldName.PATIENT_PHONE: "+13125550147",
        FieldName.REFERRING_NAME: "Sarah Chen",
        FieldName.REFERRING_NPI: "1234567893",
        FieldName.REFERRAL_CLINICAL_QUESTION: "Evaluate rash",
        FieldName.REFERRAL_SPECIALTY: "dermatology",
        FieldName.REFERRAL_DATE: "2026-03-01",
    }
    values.update(overrides)
    doc = _document()
    return Referral(
        document_id=doc.id,
        pages=[1],
        fields={k: _field(k, v) for k, v in values.items() if v is not None},
    )


def _document(text_words: list[str] | None = None) -> Document:
    words = [
        Word(
            text=t,
            box=Box(x0=0.1 + 0.1 * i, y0=0.2, x1=0.18 + 0.1 * i, y1=0.22),
            confidence=0.9,
            line=0,
        )
        for i, t in enumerate(text_words or ["chest", "pain", "on", "exertion"])
    ]
    page = Page(number=1, width_px=1700, height_px=2200, words=words)
    return Document(
        sha256="d" * 64,
        media_type="application/pdf",
        size_bytes=1,
        source_name="x.pdf",
        received_at=RECEIVED,
        page_count=1,
        pages=[page],
    )


def test_complete_referral_has_no_problems(ctx):
    referral = check_referral(_complete(), ctx, today=date(2026, 3, 2))
    assert referral.problems == []
    assert FieldName.INSURANCE_PAYER in referral.missing
    assert FieldName.PATIENT_NAME not in referral.missing


def test_missing_required_fields_are_reported(ctx):
    referral = check_referral(
        _complete(
            **{
                FieldName.PATIENT_DOB: None,
                FieldName.REFERRING_NAME: None,
                FieldName.REFERRING_NPI: None,
            }
        ),
        ctx,
        today=date(2026, 3, 2),
    )
    missing = {(p.field, p.kind) for p in referral.problems}
    assert ("patient.dob", "missing") in missing
    assert ("referring.name", "missing") in missing  # neither name nor NPI


def test_one_of_a_group_is_enough(ctx):
    referral = check_referral(
        _complete(**{FieldName.REFERRING_NAME: None}), ctx, today=date(2026, 3, 2)
    )
    assert not [p for p in referral.problems if p.field == "referring.name"]


def test_invalid_values_are_reported_with_reasons(ctx):
    referral = check_referral(
        _complete(
            **{
                FieldName.REFERRING_NPI: "1234567890",
                FieldName.PATIENT_DOB: "2027-01-01",
                FieldName.PATIENT_PHONE: "+1555",
                FieldName.REFERRAL_DIAGNOSES: ["Q99.99x"],
            }
        ),
        ctx,
        today=date(2026, 3, 2),
    )
    messages: dict[str, str] = {}
    for p in referral.problems:
        if p.kind == "invalid":
            messages[p.field] = messages.get(p.field, "") + p.message + "; "
    assert "check digit" in messages["referring.npi"]
    assert "in the future" in messages["patient.dob"]
    assert "after the referral date" in messages["patient.dob"]
    assert "phone" in messages["patient.phone"]
    assert "ICD-10-CM" in messages["referral.diagnoses"]


def test_specialty_requirements_come_from_data(ctx):
    referral = check_referral(
        _complete(**{FieldName.REFERRAL_SPECIALTY: "cardiology"}),
        ctx,
        text="Palpitations for 2 weeks",
        today=date(2026, 3, 2),
    )
    assert any("ECG" in p.message for p in referral.problems)
    with_ecg = check_referral(
        _complete(**{FieldName.REFERRAL_SPECIALTY: "cardiology"}),
        ctx,
        text="ECG attached: sinus rhythm",
        today=date(2026, 3, 2),
    )
    assert not any("ECG" in p.message for p in with_ecg.problems)


def test_low_confidence_fields_are_flagged(ctx):
    referral = _complete()
    referral.fields[FieldName.PATIENT_NAME] = _field(FieldName.PATIENT_NAME, "Jane Doe", 0.3)
    checked = check_referral(referral, ctx, today=date(2026, 3, 2))
    assert ("patient.name", "low_confidence") in {(p.field, p.kind) for p in checked.problems}


def _flagged(referral: Referral, doc: Document, flags: list[RedFlag]) -> Referral:
    """The referral as split built it: its page, with these red flags found on it."""
    evidence = Evidence(pages=[PageEvidence(doc.page(1), red_flags=flags)])
    return referral.model_copy(update={"evidence": evidence})


def _flag(negated: bool) -> RedFlag:
    return RedFlag(
        rule="chest_pain_exertional",
        label="chest pain on exertion",
        text="chest pain on exertion",
        start=0,
        end=22,
        urgency=Urgency.URGENT,
        negated=negated,
    )


def test_red_flag_against_stated_routine_is_a_problem_with_its_box_not_a_change(ctx):
    """Issue 6 class 4: a stated urgency stands; the contradicting flag goes to the reviewer."""
    doc = _document()
    referral = _complete(**{FieldName.REFERRAL_URGENCY: "routine"})
    result = triage_referral(
        _flagged(referral, doc, [_flag(negated=False)]), ctx, received=RECEIVED
    )
    assert result.triage.urgency == Urgency.ROUTINE
    assert result.value(FieldName.REFERRAL_URGENCY) == "routine"
    assert [p.message for p in result.problems] == [
        "possible under-triage: chest pain on exertion"
    ]
    flag_reason = next(r for r in result.triage.reasons if r.rule.startswith("red_flag:"))
    assert flag_reason.rule == "red_flag:chest_pain_exertional"
    assert flag_reason.page == 1 and flag_reason.box is not None and flag_reason.box.x0 == 0.1
    checked = check_referral(result, ctx, today=date(2026, 3, 2))  # keeps triage's problem
    assert ("referral.urgency", "inconsistent") in {(p.field, p.kind) for p in checked.problems}
    again = triage_referral(checked, ctx, received=RECEIVED)  # re-triage: not doubled
    assert sum("under-triage" in p.message for p in again.problems) == 1


def test_unstated_urgency_with_a_current_flag_is_urgent_never_stat(ctx):
    doc = _document()
    stat_flag = replace(_flag(negated=False), urgency=Urgency.STAT)
    result = triage_referral(_flagged(_complete(), doc, [stat_flag]), ctx, received=RECEIVED)
    assert result.triage.urgency == Urgency.URGENT
    assert result.value(FieldName.REFERRAL_URGENCY) == "urgent"
    assert result.triage.reasons[0].box is not None
    assert result.triage.due_by == RECEIVED.replace(day=5)  # 72 h for urgent


def test_flag_on_a_clinic_note_page_never_overrides_a_stated_urgency(ctx):
    doc = _document()
    doc = doc.with_pages([doc.pages[0].model_copy(update={"kind": PageKind.CLINICAL_NOTES})])
    routine = _complete(**{FieldName.REFERRAL_URGENCY: "routine"})
    stated = triage_referral(_flagged(routine, doc, [_flag(False)]), ctx, received=RECEIVED)
    assert stated.triage.urgency == Urgency.ROUTINE
    assert any("under-triage" in p.message for p in stated.problems)
    unstated = triage_referral(_flagged(_complete(), doc, [_flag(False)]), ctx, received=RECEIVED)
    assert unstated.triage.urgency == Urgency.URGENT  # nothing stated: never under-triage


def test_stated_routine_with_only_negated_flags_has_no_problem(ctx):
    doc = _document(["denies", "chest", "pain"])
    referral = _complete(**{FieldName.REFERRAL_URGENCY: "routine"})
    result = triage_referral(_flagged(referral, doc, [_flag(True)]), ctx, received=RECEIVED)
    assert result.triage.urgency == Urgency.ROUTINE
    assert result.problems == []


def test_negated_red_flag_does_not_escalate(ctx):
    doc = _document(["denies", "chest", "pain"])
    result = triage_referral(
        _flagged(_complete(), doc, [_flag(negated=True)]), ctx, received=RECEIVED
    )
    assert result.triage.urgency == Urgency.ROUTINE
    assert result.triage.reasons[0].rule == "default"


def test_stated_stat_wins_over_urgent_flag(ctx):
    doc = _document()
    result = triage_referral(
        _flagged(_complete(**{FieldName.REFERRAL_URGENCY: "stat"}), doc, [_flag(negated=False)]),
        ctx,
        received=RECEIVED,
    )
    assert result.triage.urgency == Urgency.STAT
    assert result.triage.reasons[0].rule == "stated"
    assert result.triage.specialty.value == "dermatology"


def test_red_flags_travel_on_the_referral(ctx):
    doc = _document()
    referral = _flagged(_complete(), doc, [_flag(negated=False)])
    assert [f.rule for f in referral.red_flags] == ["chest_pain_exertional"]
    assert "evidence" not in referral.model_dump()  # never stored
    assert "evidence" not in referral.to_contract()


def test_check_stage_reads_the_referrals_own_text_and_keeps_earlier_problems(ctx):
    doc = _document(["ECG", "attached:", "sinus", "rhythm"])
    doubt = Problem(field="document_type", message="taken on partial evidence", kind="doubt")
    referral = _flagged(_complete(**{FieldName.REFERRAL_SPECIALTY: "cardiology"}), doc, [])
    referral = referral.model_copy(update={"problems": [doubt]})
    analysis = Analysis(document=doc, referrals=[referral])
    once = check(analysis, ctx).referrals[0]
    assert doubt in once.problems
    assert not any("ECG" in p.message for p in once.problems)  # found in its own page text
    twice = check(Analysis(document=doc, referrals=[once]), ctx).referrals[0]
    assert twice.problems == once.problems  # safe to run again: nothing doubled
