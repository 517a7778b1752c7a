"""``intake review-stats``: how right the extractors were, measured from real reviews.

Every reviewed field leaves a verdict in ``field_reviews`` (correct when the reviewer kept the
extracted value); per field that gives accuracy, and binned by the extractor's confidence it
gives calibration: a well-calibrated 0.9 is right nine times in ten. ECE is the expected
calibration error (bin-weighted |accuracy - mean confidence|). Counts only: no values.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select

from models.storage import Store
from models.storage.review_tables import FieldReviewRow

BINS = (0.0, 0.5, 0.7, 0.85, 0.95, 1.0001)


def collect(store: Store) -> dict[str, Any]:
    """Per-field accuracy and confidence calibration as one JSON-able dict."""
    with store.session() as s:
        rows = s.execute(
            select(
                FieldReviewRow.field,
                FieldReviewRow.correct,
                FieldReviewRow.extracted_confidence,
            ).where(FieldReviewRow.extracted_value.is_not(None))
        ).all()
    fields: dict[str, dict[str, Any]] = {}
    for name, correct, _ in rows:
        entry = fields.setdefault(name, {"reviewed": 0, "correct": 0})
        entry["reviewed"] += 1
        entry["correct"] += int(bool(correct))
    for entry in fields.values():
        entry["accuracy"] = round(entry["correct"] / entry["reviewed"], 3)
    bins = []
    scored = [(float(c), bool(ok)) for _, ok, c in rows if c is not None]
    ece = 0.0
    for low, high in itertools.pairwise(BINS):
        inside = [(c, ok) for c, ok in scored if low <= c < high]
        if not inside:
            continue
        confidence = sum(c for c, _ in inside) / len(inside)
        accuracy = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / len(scored) * abs(accuracy - confidence)
        bins.append(
            {
                "confidence": f"{low:.2f}-{min(high, 1.0):.2f}",
                "n": len(inside),
                "mean_confidence": round(confidence, 3),
                "accuracy": round(accuracy, 3),
            }
        )
    total = len(rows)
    return {
        "reviewed_fields": total,
        "accuracy": round(sum(bool(r[1]) for r in rows) / total, 3) if total else None,
        "fields": dict(sorted(fields.items())),
        "calibration": bins,
        "ece": round(ece, 3) if scored else None,
    }
