"""A structured referral: fields with provenance, completeness problems and triage."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

from models.geometry import Box
from models.vocab import FieldName, ReferralStatus, Specialty, Urgency

if TYPE_CHECKING:
    from models.evidence import Evidence, RedFlag


class Source(BaseModel):
    """Where on which page a value was read: what the reviewer sees highlighted."""

    model_config = ConfigDict(frozen=True)

    page: int
    box: Box
    text: str = ""


class Field(BaseModel):
    """One extracted value, how sure we are of it, and where it came from."""

    name: FieldName
    value: Any
    confidence: float = PydField(ge=0.0, le=1.0)
    source: Source | None = None
    extractor: str = ""
    notes: list[str] = PydField(default_factory=list)
    reviewed_value: Any | None = None

    def to_contract(self) -> dict[str, Any]:
        """The JSON contract's shape: value, confidence, page, box."""
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "page": self.source.page if self.source else None,
            "box": self.source.box.as_list() if self.source else None,
        }


class Problem(BaseModel):
    """Something a reviewer must look at: a missing, invalid or doubtful field."""

    field: str
    message: str
    kind: str = "invalid"  # missing | invalid | low_confidence | inconsistent

    def to_contract(self) -> dict[str, str]:
        """The JSON contract's shape."""
        return {"field": self.field, "message": self.message}


class Reason(BaseModel):
    """A phrase that decided the triage, and where it stands."""

    text: str
    rule: str
    page: int | None = None
    box: Box | None = None

    def to_contract(self) -> dict[str, Any]:
        """The JSON contract's shape."""
        return {
            "text": self.text,
            "rule": self.rule,
            "page": self.page,
            "box": self.box.as_list() if self.box else None,
        }


class Triage(BaseModel):
    """Urgency and specialty decision, with a due-by time and the evidence."""

    urgency: Urgency
    specialty: Specialty
    due_by: datetime
    reasons: list[Reason] = PydField(default_factory=list)

    def to_contract(self) -> dict[str, Any]:
        """The JSON contract's shape."""
        return {
            "urgency": self.urgency.value,
            "specialty": self.specialty.value,
            "due_by": self.due_by.isoformat(),
            "reasons": [r.to_contract() for r in self.reasons],
        }


class Referral(BaseModel):
    """One patient's referral within a document."""

    id: UUID = PydField(default_factory=uuid4)
    document_id: UUID
    pages: list[int]
    fields: dict[FieldName, Field] = PydField(default_factory=dict)
    missing: list[FieldName] = PydField(default_factory=list)
    problems: list[Problem] = PydField(default_factory=list)
    triage: Triage | None = None
    status: ReferralStatus = ReferralStatus.NEEDS_REVIEW
    #: The :class:`models.evidence.Evidence` this referral was built from (pages, candidates,
    #: red flags); set by the split stage, never stored nor part of the JSON contract.
    evidence: Any = PydField(default=None, exclude=True, repr=False)

    @property
    def red_flags(self) -> list[RedFlag]:
        """Every red-flag mention on the referral's own pages (none once reloaded)."""
        evidence: Evidence | None = self.evidence
        return evidence.red_flags if evidence is not None else []

    def value(self, name: FieldName) -> Any:
        """A field's value (the reviewer's correction wins), or ``None``."""
        field = self.fields.get(name)
        if field is None:
            return None
        return field.reviewed_value if field.reviewed_value is not None else field.value

    def to_contract(self) -> dict[str, Any]:
        """The JSON contract's referral object."""
        return {
            "id": str(self.id),
            "pages": self.pages,
            "fields": {name.value: f.to_contract() for name, f in self.fields.items()},
            "missing": [m.value for m in self.missing],
            "problems": [p.to_contract() for p in self.problems],
            "triage": self.triage.to_contract() if self.triage else None,
            "status": self.status.value,
        }
