"""Confidence calibration: predicted fields binned by confidence, with the share correct.

A well-calibrated extractor's 0.9-0.95 bin is right about 90-95 % of the time; reviewers rely
on that to decide what to check. Kept beside ``samples/scoring`` which fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


def bin_index(confidence: float) -> int:
    """Index of the bin holding ``confidence`` (upper edges exclusive, 1.0 in the last bin)."""
    for i in range(len(EDGES) - 2):
        if confidence < EDGES[i + 1]:
            return i
    return len(EDGES) - 2


@dataclass
class Calibration:
    """Counts and correct counts per confidence bin."""

    counts: list[int] = field(default_factory=lambda: [0] * (len(EDGES) - 1))
    correct: list[int] = field(default_factory=lambda: [0] * (len(EDGES) - 1))

    def add(self, confidence: float | None, ok: bool) -> None:  # noqa: FBT001
        """Record one predicted field (fields without a confidence are not binned)."""
        if confidence is None:
            return
        i = bin_index(float(confidence))
        self.counts[i] += 1
        self.correct[i] += int(ok)

    def merge(self, other: Calibration) -> None:
        """Accumulate another table."""
        for i in range(len(self.counts)):
            self.counts[i] += other.counts[i]
            self.correct[i] += other.correct[i]

    def table(self) -> list[dict[str, object]]:
        """JSON-ready rows: bin label, count, share correct (None for an empty bin)."""
        return [
            {
                "bin": f"{EDGES[i]:.2f}-{EDGES[i + 1]:.2f}",
                "count": n,
                "share_correct": round(self.correct[i] / n, 4) if n else None,
            }
            for i, n in enumerate(self.counts)
        ]
