"""Triage: urgency from what the referral states and from clinical red flags, with reasons.

The rules live in :mod:`extractors.fields.urgency_decision`: a stated urgency stands, a current
red flag that contradicts it becomes a reviewer problem ("possible under-triage: ...") shown with
its page and box, an unstated urgency with a current red flag is ``urgent``. Negated findings
("denies chest pain") never count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from extractors.fields.urgency_decision import UNDER_TRIAGE, Flag, decide_urgency
from models.clock import as_utc
from models.document import Document
from models.evidence import Analysis, Evidence
from models.referral import Field, Reason, Referral, Source, Triage
from models.vocab import FieldName, Specialty, Urgency
from pipeline.stage import StageContext


def received_at(document: Document) -> datetime:
    """When the fax arrived: the fax server's time (``submit --received``) when it gave one,
    else when the file landed. Due-by clocks start here, not when processing ran."""
    if document.fax is not None and document.fax.received is not None:
        return as_utc(document.fax.received)
    return document.received_at


def due_by(received: datetime, urgency: Urgency, ctx: StageContext) -> datetime:
    """When the referral must be acted on, from the per-urgency targets in settings."""
    hours = {
        Urgency.STAT: ctx.settings.due_hours_stat,
        Urgency.URGENT: ctx.settings.due_hours_urgent,
        Urgency.ROUTINE: ctx.settings.due_hours_routine,
    }[urgency]
    return received + timedelta(hours=hours)


def _flags(evidence: Evidence) -> list[Flag]:
    """Every red flag of the referral's pages, with its box and the kind of page it is on."""
    flags = []
    for found in evidence.pages:
        page = found.page
        for flag in found.red_flags:
            flags.append(
                Flag(
                    urgency=Urgency(flag.urgency),
                    text=flag.text,
                    rule=flag.rule,
                    page=found.number,
                    box=page.box_for(flag.start, flag.end),
                    negated=flag.negated,
                    page_kind=page.kind,
                )
            )
    return flags


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
    stated_reason = None
    if stated is not None:
        src = stated.source
        stated_reason = Reason(
            text=src.text if src else str(stated.value),
            rule="stated",
            page=src.page if src else None,
            box=src.box if src else None,
        )
    decision = decide_urgency(
        Urgency(stated.value) if stated is not None else None,
        stated_reason,
        _flags(referral.evidence or Evidence()),
    )
    urgency, reasons = decision.urgency, decision.reasons
    specialty_value = referral.value(FieldName.REFERRAL_SPECIALTY)
    known = {s.value for s in Specialty}
    specialty = Specialty(specialty_value) if specialty_value in known else Specialty.OTHER
    fields = dict(referral.fields)
    first = reasons[0]
    if stated is None:
        fields[FieldName.REFERRAL_URGENCY] = Field(
            name=FieldName.REFERRAL_URGENCY,
            value=urgency.value,
            confidence=decision.confidence,
            source=Source(page=first.page, box=first.box, text=first.text)
            if first.page and first.box
            else None,
            extractor="triage",
            notes=[decision.basis, first.rule],
        )
    return referral.model_copy(
        update={
            "fields": fields,
            "problems": [  # re-triage (after a reviewer's edit) replaces its own problems
                *(p for p in referral.problems if not p.message.startswith(UNDER_TRIAGE)),
                *decision.problems,
            ],
            "triage": Triage(
                urgency=urgency,
                specialty=specialty,
                due_by=due_by(received, urgency, ctx),
                reasons=reasons,
            ),
        }
    )
