"""Gate: is this document a referral? Decided from the evidence the extractors found.

Runs after ``find``, so the decision weighs the patient, referring provider and request the
field extractors found on the pages, not only the words a page is titled with
(``extractors.document_type``). A referral kept on partial evidence, or against a close
non-referral rival, carries the gate's doubt to every referral split from the document.
"""

from __future__ import annotations

from extractors.document_type import decide
from extractors.referral_evidence import field_evidence
from models.evidence import Analysis
from models.referral import Problem
from pipeline.stage import StageContext

#: The field a document-level doubt is filed under in the JSON ``problems``.
DOUBT_FIELD = "document_type"


def gate(analysis: Analysis, ctx: StageContext) -> Analysis:
    """Set the document's type and confidence; record the gate's doubt, if any."""
    document = analysis.document
    verdict = decide(document.pages, evidence=field_evidence(analysis.pages))
    doubts = []
    if verdict.doubt:
        doubts.append(Problem(field=DOUBT_FIELD, message=verdict.doubt, kind="doubt"))
    return analysis.model_copy(
        update={
            "document": document.model_copy(
                update={
                    "document_type": verdict.document_type,
                    "document_type_confidence": verdict.confidence,
                }
            ),
            "doubts": doubts,
        }
    )
