"""What became of one input, in the shape of the ``intake process --json`` contract.

Kept apart from :mod:`pipeline.runner` so that the CLI can answer for an input that does not
exist without loading any of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.errors import IntakeError
    from models.referral import Referral


class InputStatus(StrEnum):
    """What became of one input: a document's status, or ``not_found`` (nothing there)."""

    PROCESSED = "processed"
    QUARANTINED = "quarantined"
    NOT_FOUND = "not_found"


@dataclass
class ProcessResult:
    """Outcome of one input file, convertible to the JSON contract."""

    source: str
    sha256: str
    pages: int
    status: InputStatus
    error: str | None = None
    error_code: str | None = None
    document_id: str | None = None
    document_type: str | None = None
    duplicate: bool = False
    referrals: list[Referral] = field(default_factory=list)

    def to_contract(self) -> dict[str, Any]:
        """One line of ``intake process --json``."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "pages": self.pages,
            "status": self.status.value,
            "error": self.error,
            "document_id": self.document_id,
            "document_type": self.document_type,
            "duplicate": self.duplicate,
            "referrals": [r.to_contract() for r in self.referrals],
        }


def not_found(source: str) -> ProcessResult:
    """Nothing at the path given: said so, not reported as quarantined."""
    error = "not_found: no such file"
    return ProcessResult(source, "", 0, InputStatus.NOT_FOUND, error=error, error_code="not_found")


def refused(source: str, error: IntakeError) -> ProcessResult:
    """An input refused before a byte was read (a link, a folder, a pipe): nothing copied."""
    return ProcessResult(
        source,
        "",
        0,
        InputStatus.QUARANTINED,
        error=error.describe(),
        error_code=error.code.value,
    )
