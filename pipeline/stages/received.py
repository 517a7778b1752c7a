"""Problems with what was received, as opposed to what it says: pages that could not be
read, and fewer pages than the fax server reported.

A referral is kept when one page of its fax is damaged or missing, because the rest is worth
a reviewer's time; these problems tell the reviewer what to ask the sender for. They go on
every referral of the document: which referral a missing page belonged to is unknowable.
"""

from __future__ import annotations

from models.document import Document
from models.referral import Problem, Referral

#: ``Problem.field`` of document-level problems (not a referral field).
DOCUMENT_FIELD = "document"


def problems_of(document: Document) -> list[Problem]:
    """Unreadable pages (one problem each) and an incomplete fax."""
    problems = [
        Problem(
            field=DOCUMENT_FIELD,
            message=f"page {page.number} could not be read ({page.unreadable.split(':')[0]})",
            kind="invalid",
        )
        for page in document.pages
        if page.unreadable
    ]
    expected = document.fax.pages_expected if document.fax else None
    if expected is not None and expected > document.page_count:
        problems.append(
            Problem(
                field=DOCUMENT_FIELD,
                message=(
                    f"fax may be incomplete: {expected} pages expected, "
                    f"{document.page_count} received"
                ),
                kind="missing",
            )
        )
    return problems


def received_problems(document: Document, referrals: list[Referral]) -> list[Referral]:
    """``referrals`` with the document's problems added (unchanged when there are none)."""
    problems = problems_of(document)
    if not problems:
        return referrals
    return [r.model_copy(update={"problems": [*problems, *r.problems]}) for r in referrals]
