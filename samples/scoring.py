"""Compare pipeline output (the JSON contract) with ground truth: per-field TP/FP/FN.

Used by ``bench/accuracy`` and by the end-to-end tests over the committed samples, so both
measure the same thing. A wrong value counts as a false positive and a false negative; a value
for a field the truth does not state is a false positive; a field the truth states but the
output lacks is a false negative.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from samples.calibration import Calibration

_FUZZY_FIELDS = {"referral.clinical_question": 90.0, "patient.address": 92.0}
_PUNCT = re.compile(r"[^\w\s]")


def normalise(value: Any) -> Any:
    """Case-, punctuation- and whitespace-insensitive form of a value (lists become sets)."""
    if isinstance(value, list):
        return frozenset(normalise(v) for v in value)
    text = _PUNCT.sub(" ", str(value)).casefold()
    return " ".join(text.split())


def values_match(name: str, predicted: Any, truth: Any) -> bool:
    """Whether a predicted value counts as correct for ``name``."""
    p, t = normalise(predicted), normalise(truth)
    if name in _FUZZY_FIELDS and isinstance(p, str) and isinstance(t, str):
        return fuzz.ratio(p, t) >= _FUZZY_FIELDS[name]
    return p == t


@dataclass
class Counts:
    """True/false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        """Accumulate."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def prf(self) -> dict[str, float]:
        """Precision, recall, F1 (1.0 where there is nothing to get wrong)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Score:
    """Per-field counts plus document-level tallies."""

    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    documents: int = 0
    document_type_correct: int = 0
    referral_count_correct: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    # name -> [correct, total]: urgency_stated, specialty_stated, specialty_implied
    splits: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    urgent_truths: int = 0  # true referrals whose truth is stat/urgent
    under_triaged: int = 0  # ... predicted routine, without urgency, or not found
    nonreferral_documents: int = 0
    nonreferrals_as_referrals: int = 0  # non-referral documents that yielded a referral
    calibration: Calibration = field(default_factory=Calibration)

    def overall(self) -> dict[str, float]:
        """Micro-averaged precision/recall/F1 over every field."""
        total = Counts()
        for counts in self.fields.values():
            total.add(counts)
        return total.prf()

    def accuracy(self, name: str) -> float:
        """Share of truth values of ``name`` that were predicted right."""
        c = self.fields.get(name, Counts())
        n = c.tp + c.fn
        return round(c.tp / n, 4) if n else 1.0

    def split(self, name: str) -> float | None:
        """Accuracy within one split (None when the split is empty)."""
        correct, total = self.splits.get(name, (0, 0))
        return round(correct / total, 4) if total else None

    def report(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "documents": self.documents,
            "document_type_accuracy": round(self.document_type_correct / self.documents, 4)
            if self.documents
            else None,
            "referral_count_accuracy": round(self.referral_count_correct / self.documents, 4)
            if self.documents
            else None,
            "overall": self.overall(),
            "urgency_accuracy": self.accuracy("referral.urgency"),
            "specialty_accuracy": self.accuracy("referral.specialty"),
            "urgency_accuracy_stated": self.split("urgency_stated"),
            "specialty_accuracy_stated": self.split("specialty_stated"),
            "specialty_accuracy_implied": self.split("specialty_implied"),
            "under_triage_rate": round(self.under_triaged / self.urgent_truths, 4)
            if self.urgent_truths
            else None,
            "under_triaged": self.under_triaged,
            "urgent_truths": self.urgent_truths,
            "nonreferral_documents": self.nonreferral_documents,
            "nonreferrals_as_referrals": self.nonreferrals_as_referrals,
            "calibration": self.calibration.table(),
            "fields": {name: c.prf() for name, c in sorted(self.fields.items())},
        }


def _pair(predicted: list[dict], truth: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Pair predicted and true referrals by page overlap (greedy), leftovers unpaired."""
    pairs: list[tuple[dict | None, dict | None]] = []
    free = list(predicted)
    for t in truth:
        pages = set(t.get("pages", []))
        best = max(free, key=lambda p: len(pages & set(p.get("pages", []))), default=None)
        if best is not None and (pages & set(best.get("pages", [])) or not pages):
            free.remove(best)
            pairs.append((best, t))
        else:
            pairs.append((None, t))
    pairs.extend((p, None) for p in free)
    return pairs


def score_document(result: dict[str, Any], truth: dict[str, Any], score: Score) -> None:
    """Add one document's comparison to ``score``."""
    score.documents += 1
    if (result.get("document_type") or "referral") == truth.get("document_type", "referral"):
        score.document_type_correct += 1
    predicted = result.get("referrals", [])
    truths = truth.get("referrals", [])
    if len(predicted) == len(truths):
        score.referral_count_correct += 1
    if truth.get("document_type", "referral") != "referral":
        score.nonreferral_documents += 1
        score.nonreferrals_as_referrals += bool(predicted)
    for pred, true in _pair(predicted, truths):
        pred_fields = {k: v["value"] for k, v in (pred or {}).get("fields", {}).items()}
        true_fields = (true or {}).get("fields", {})
        _score_triage(pred, true, score)
        for name, predicted_field in (pred or {}).get("fields", {}).items():
            ok = name in true_fields and values_match(name, pred_fields[name], true_fields[name])
            score.calibration.add(predicted_field.get("confidence"), ok)
        for name in set(pred_fields) | set(true_fields):
            counts = score.fields[name]
            if name not in true_fields:
                counts.fp += 1
            elif name not in pred_fields:
                counts.fn += 1
            elif values_match(name, pred_fields[name], true_fields[name]):
                counts.tp += 1
            else:
                counts.fp += 1
                counts.fn += 1
                score.mismatches.append(
                    {
                        "source": truth.get("source"),
                        "field": name,
                        "predicted": pred_fields[name],
                        "truth": true_fields[name],
                    }
                )
            if name in true_fields and name not in pred_fields:
                score.mismatches.append(
                    {
                        "source": truth.get("source"),
                        "field": name,
                        "predicted": None,
                        "truth": true_fields[name],
                    }
                )


def predicted_urgency(pred: dict | None) -> str | None:
    """The urgency a predicted referral carries: its field, else its triage decision."""
    if not pred:
        return None
    urgency = pred.get("fields", {}).get("referral.urgency", {}).get("value")
    return urgency or (pred.get("triage") or {}).get("urgency")


def _score_triage(pred: dict | None, true: dict | None, score: Score) -> None:
    """Stated/implied splits of urgency and specialty, and under-triage, for one pair."""
    if true is None:
        return
    fields = true.get("fields", {})
    urgency = predicted_urgency(pred)
    if true.get("urgency_stated") and "referral.urgency" in fields:
        split = score.splits["urgency_stated"]
        split[0] += urgency == fields["referral.urgency"]
        split[1] += 1
    if "specialty_stated" in true and "referral.specialty" in fields:
        kind = "specialty_stated" if true["specialty_stated"] else "specialty_implied"
        split = score.splits[kind]
        value = (pred or {}).get("fields", {}).get("referral.specialty", {}).get("value")
        value = value or ((pred or {}).get("triage") or {}).get("specialty")
        split[0] += value == fields["referral.specialty"]
        split[1] += 1
    if fields.get("referral.urgency") in ("stat", "urgent"):
        score.urgent_truths += 1
        score.under_triaged += urgency in (None, "routine")
