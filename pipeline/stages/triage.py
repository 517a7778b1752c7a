"""Triage: urgency from what the referral states and from clinical red flags, with reasons.

The most urgent of the stated urgency and every red flag that is not negated wins: a "routine"
box ticked on a referral for suspected cancer is escalated, and the phrase that did it is shown
with its page and box. Negated findings ("denies chest pain") never escalate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.document import Document
from models.evidence import Analysis, Evidence
from models.referral import Field, Reason, Referral, Source, Triage
from models.vocab import FieldName, Specialty, Urgency
from pipeline.stage import StageContext

_RANK = {Urgency.STAT: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}
_DEFAULT_CONFIDENCE = 0.6


def received_at(document: Document) -> datetime:
    """When the fax arrived: the fax server's time (``submit --received``) when it gave one,
    else when the file landed. Due-by clocks start here, not when processing ran."""
    if document.fax is not None and document.fax.received is not None:
        received = document.fax.received
        return received if received.tzinfo is not None else received.replace(tzinfo=UTC)
    return document.received_at


def due_by(received: datetime, urgency: Urgency, ctx: StageContext) -> datetime:
    """When the referral must be acted on, from the per-urgency targets in settings."""
    hours = {
        Urgency.STAT: ctx.settings.due_hours_stat,
        Urgency.URGENT: ctx.settings.due_hours_urgent,
        Urgency.ROUTINE: ctx.settings.due_hours_routine,
    }[urgency]
    return received + timedelta(hours=hours)


def _flag_reasons(evidence: Evidence) -> list[tuple[Urgency, Reason]]:
    reasons = []
    for found in evidence.pages:
        page = found.page
        for flag in found.red_flags:
            if flag.negated:
                continue
            reasons.append(
                (
                    Urgency(flag.urgency),
                    Reason(
                        text=flag.text,
                        rule=f"red_flag:{flag.rule}",
                        page=found.number,
                        box=page.box_for(flag.start, flag.end),
                    ),
                )
            )
    return reasons


def triage(analysis: Analysis, ctx: StageContext) -> Analysis:
    """Triage every referral of the document; due-by counts from the document's receipt."""
    received = received_at(analysis.document)
    return analysis.with_referrals(
        [triage_referral(r, ctx, received=received) for r in analysis.referrals]
    )


def triage_referral(referral: Referral, ctx: StageContext, *, received: datetime) -> Referral:
    """Decide urgency, specialty and due-by from the referral's fields and red flags; set
    ``referral.urgency`` to the decision."""
    stated = referral.fields.get(FieldName.REFERRAL_URGENCY)
    decided: list[tuple[Urgency, Reason]] = []
    if stated is not None:
        src = stated.source
        decided.append(
            (
                Urgency(stated.value),
                Reason(
                    text=src.text if src else str(stated.value),
                    rule="stated",
                    page=src.page if src else None,
                    box=src.box if src else None,
                ),
            )
        )
    decided.extend(_flag_reasons(referral.evidence or Evidence()))
    if decided:
        urgency = min((u for u, _ in decided), key=_RANK.__getitem__)
        reasons = [r for u, r in decided if u == urgency]
    else:
        urgency = Urgency.ROUTINE
        reasons = [Reason(text="no stated urgency and no red flag", rule="default")]
    specialty_value = referral.value(FieldName.REFERRAL_SPECIALTY)
    specialty = Specialty(specialty_value) if specialty_value else Specialty.OTHER
    fields = dict(referral.fields)
    first = reasons[0]
    if stated is None or Urgency(stated.value) != urgency:
        fields[FieldName.REFERRAL_URGENCY] = Field(
            name=FieldName.REFERRAL_URGENCY,
            value=urgency.value,
            confidence=_DEFAULT_CONFIDENCE if first.rule == "default" else 0.8,
            source=Source(page=first.page, box=first.box, text=first.text)
            if first.page and first.box
            else None,
            extractor="triage",
            notes=[first.rule],
        )
    return referral.model_copy(
        update={
            "fields": fields,
            "triage": Triage(
                urgency=urgency,
                specialty=specialty,
                due_by=due_by(received, urgency, ctx),
                reasons=reasons,
            ),
        }
    )
