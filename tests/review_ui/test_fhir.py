"""The FHIR Bundle of every committed sample referral validates with ``fhir.resources``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from fhir.resources.R4B.bundle import Bundle

from models.referral import Field, Referral, Triage
from models.vocab import FieldName, ReferralStatus, Specialty, Urgency
from pipeline.fhir_export import build_bundle
from tests.review_ui.conftest import SAMPLES

TRUTHS = sorted(SAMPLES.glob("*.truth.json"))
CASES = [
    pytest.param(truth, i, id=f"{truth.name.split('.')[0]}-{i}")
    for truth in TRUTHS
    for i, _ in enumerate(json.loads(truth.read_text())["referrals"])
]


def _referral(fields: dict, status: ReferralStatus) -> Referral:
    values = {
        FieldName(k): Field(name=FieldName(k), value=v, confidence=1.0, extractor="truth")
        for k, v in fields.items()
    }
    urgency = Urgency(fields.get("referral.urgency", "routine"))
    specialty = Specialty(fields.get("referral.specialty", "other"))
    return Referral(
        document_id=uuid4(),
        pages=[1],
        fields=values,
        status=status,
        triage=Triage(
            urgency=urgency, specialty=specialty, due_by=datetime(2026, 11, 27, tzinfo=UTC)
        ),
    )


def test_every_sample_has_a_case():
    assert len(CASES) >= 25


@pytest.mark.parametrize(("truth", "index"), CASES)
def test_bundle_of_sample_referral_validates(truth, index):
    fields = json.loads(truth.read_text())["referrals"][index]["fields"]
    bundle = build_bundle(
        _referral(fields, ReferralStatus.APPROVED), ["/api/documents/d/pages/1.png"]
    )
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "transaction"
    by_type = {e.resource.get_resource_type(): e.resource for e in parsed.entry}
    assert {
        "Patient",
        "Practitioner",
        "Organization",
        "ServiceRequest",
        "Task",
        "DocumentReference",
    } <= set(by_type)
    request = by_type["ServiceRequest"]
    assert request.priority == fields.get("referral.urgency", "routine")
    assert by_type["Task"].status == "accepted"
    if "patient.dob" in fields:
        assert str(by_type["Patient"].birthDate) == fields["patient.dob"]
    codes = [c.coding[0].code for c in request.reasonCode or [] if c.coding]
    assert codes == fields.get("referral.diagnoses", [])
    if "insurance.payer" in fields:
        assert by_type["Coverage"].subscriberId == fields.get("insurance.member_id")


def test_a_sparse_referral_still_makes_a_valid_bundle():
    bundle = build_bundle(_referral({}, ReferralStatus.NEEDS_REVIEW), [])
    assert Bundle.model_validate(bundle).entry
