"""The evidence a referral is built from, and the one item every analysis stage passes on.

The stages used to hand data to each other beside the model (drafts, per-page findings, red
flags travelling apart from the referral, page text joined again by the runner). Now:

- :class:`Candidate` and :class:`RedFlag` are what the field extractors found on a page;
- :class:`PageEvidence` is one page with everything found on it (the page itself rides along,
  so a character span becomes a box without going back to the document);
- :class:`Evidence` is what one referral was built from: its own pages and the shared cover
  sheets; it hangs on :attr:`models.referral.Referral.evidence`, so the red flags and the text
  of a referral are the referral's own;
- :class:`Analysis` is the item of every stage after reading: ``stage(analysis, ctx)``.

Plain frozen dataclasses for what is made by the thousand (candidates, flags); nothing here
is stored: the database keeps the referral's fields, problems and triage only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

from models.document import Document, Page
from models.referral import Problem, Referral
from models.vocab import FieldName, PageKind, Urgency


@dataclass(frozen=True)
class Candidate:
    """One possible value of a field on one page, with its character span in ``page.text()``."""

    name: FieldName
    value: Any
    confidence: float
    page: int
    start: int
    end: int
    extractor: str
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RedFlag:
    """One red-flag mention on a page.

    Attributes:
        rule: rule id from the rule file ("cardiac_chest_pain").
        label: what the rule is about, for reviewers.
        text: the phrase as it stands in the page text.
        start: first character in ``page.text()``.
        end: one past the last character.
        urgency: urgency the finding calls for.
        negated: True when triage must ignore it (negated, a relative's, hypothetical or
            historical).
        context: affirmed | negated | family | hypothetical | historical.
        page: 1-based page number, when the Doc carries its Page.
    """

    rule: str
    label: str
    text: str
    start: int
    end: int
    urgency: Urgency
    negated: bool = False
    context: str = "affirmed"
    page: int | None = None


@dataclass(frozen=True)
class PageEvidence:
    """One read page and what the extractors found on it."""

    page: Page
    candidates: list[Candidate] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)

    @property
    def number(self) -> int:
        """1-based page number."""
        return self.page.number

    @property
    def kind(self) -> PageKind | None:
        """The page's kind as the classify stage decided it."""
        return self.page.kind

    @property
    def text(self) -> str:
        """The page's text (the candidates' offsets refer to it)."""
        return self.page.text()


@dataclass
class Evidence:
    """What one referral was built from: its own pages, plus cover sheets shared by all."""

    pages: list[PageEvidence] = field(default_factory=list)
    shared: list[PageEvidence] = field(default_factory=list)

    @property
    def page_numbers(self) -> list[int]:
        """The referral's own pages, in order."""
        return [p.number for p in self.pages]

    @property
    def text(self) -> str:
        """The referral's own pages' text, a page per paragraph (for "mentions" rules)."""
        return "\n".join(p.text for p in self.pages)

    @property
    def red_flags(self) -> list[RedFlag]:
        """Every red-flag mention on the referral's own pages."""
        return [flag for p in self.pages for flag in p.red_flags]

    def page(self, number: int) -> Page | None:
        """One of the pages (own or shared) by number, for turning spans into boxes."""
        for found in (*self.pages, *self.shared):
            if found.number == number:
                return found.page
        return None


class Analysis(BaseModel):
    """The item the analysis stages pass on: classify → find → gate → split → extract → …

    Attributes:
        document: the read document (pages, kinds, type once gated).
        pages: what the extractors found on every page, in page order.
        referrals: the referrals found so far, each carrying its own evidence.
        doubts: problems the gate had with the document as a whole (e.g. "taken as a
            referral on partial evidence"); every referral split from it carries them.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    document: Document
    pages: list[PageEvidence] = PydField(default_factory=list)
    referrals: list[Referral] = PydField(default_factory=list)
    doubts: list[Problem] = PydField(default_factory=list)

    def with_referrals(self, referrals: list[Referral]) -> Analysis:
        """Copy with ``referrals`` replaced."""
        return self.model_copy(update={"referrals": referrals})
