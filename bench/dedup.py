"""Duplicate detection bench: a generated queue with known answers, precision and recall.

Built at the referral level (JSON referrals in the contract's shape with realistic OCR slips
and page text), so it runs in seconds without OCR. Each base referral gets one scenario:

- ``refax``: the same fax sent again, new scan noise (character slips in names, ids, text);
- ``cover``: the same again with an extra cover page (more text), or a page missing;
- ``letter``: the letter faxed (noisy) and uploaded (clean), "Last, First" on one of them;
- ``second``: a second referral for the same patient and specialty within the window;
- ``new_specialty``: the same patient referred to another specialty (not a duplicate);
- ``lookalike``: another patient with a similar name and the same DOB (not a duplicate);
- ``single``: nothing else.

Run: ``python -m bench.dedup [--count 300] [--seed 7] [--no-embed]``; the last line is JSON
with ``precision`` and ``recall`` of the merge proposals at the default threshold.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.dedup.candidate import Candidate
from pipeline.dedup.propose import DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS, embedder, propose
from samples.generate.clinical import ITEMS, pick_item
from samples.generate.people import Patient, PeopleFactory

SCENARIOS = ("refax", "cover", "letter", "second", "new_specialty", "lookalike", "single")
_SLIPS = (
    ("rn", "m"),
    ("m", "rn"),
    ("l", "1"),
    ("o", "0"),
    ("e", "c"),
    ("i", "l"),
    ("cl", "d"),
    ("S", "5"),
    ("B", "8"),
    ("0", "O"),
    ("1", "l"),
    ("h", "b"),
)
_LOOKALIKE_FIRST = {"Maria": "Mario", "John": "Joan", "Daniel": "Danielle", "Chris": "Christa"}


def slip(rng: random.Random, text: str, rate: float) -> str:
    """``text`` with OCR-like character confusions, each word slipping with ``rate``."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if rng.random() < rate:
            for a, b in rng.sample(_SLIPS, len(_SLIPS)):
                if a in word:
                    words[i] = word.replace(a, b, 1)
                    break
    return " ".join(words)


def _transpose(rng: random.Random, dob: str) -> str:
    d = list(dob.replace("-", ""))
    i = rng.choice([5, 6])  # within month/day digits: the slip a reader makes
    if d[i] == d[i + 1]:
        return dob
    d[i], d[i + 1] = d[i + 1], d[i]
    s = "".join(d)
    try:
        return datetime.strptime(s, "%Y%m%d").date().isoformat()
    except ValueError:
        return dob


def _field(value: Any) -> dict[str, Any]:
    return {"value": value, "confidence": 0.9, "page": 1, "box": None}


def _letter(patient: Patient, name: str, dob: str, question: str, specialty: str) -> str:
    return (
        f"Referral to {specialty.replace('_', ' ')}. Patient: {name} DOB {dob} MRN {patient.mrn} "
        f"Phone {patient.phone} Insurance {patient.payer} member {patient.member_id}. "
        f"Dear colleague, I am referring this patient. {question} Symptoms have been present "
        f"for several weeks. Current medications as listed. Thank you for seeing this patient."
    )


def referral(
    rng: random.Random,
    rid: str,
    patient: Patient,
    item: Any,
    received: datetime,
    *,
    noise: float,
    name_style: str = "natural",
    extra: str = "",
    drop: float = 0.0,
) -> tuple[dict[str, Any], datetime, str]:
    """One contract-shaped referral with OCR slips at ``noise`` and its page text."""
    name = f"{patient.first} {patient.last}"
    if name_style == "last_first":
        name = f"{patient.last}, {patient.first}"
    dob = patient.dob.isoformat()
    values = {
        "patient.name": slip(rng, name, noise * 3),
        "patient.dob": _transpose(rng, dob) if rng.random() < noise * 2 else dob,
        "patient.phone": patient.phone,
        "patient.mrn": slip(rng, patient.mrn, noise * 3),
        "insurance.member_id": slip(rng, patient.member_id, noise * 3),
        "referral.specialty": item.specialty,
        "referral.clinical_question": slip(rng, item.question, noise),
    }
    for key in ("patient.phone", "patient.mrn", "insurance.member_id", "referral.specialty"):
        if rng.random() < drop:
            values.pop(key)
    text = extra + slip(rng, _letter(patient, name, dob, item.question, item.specialty), noise)
    contract = {
        "id": rid,
        "status": "needs_review",
        "fields": {k: _field(v) for k, v in values.items()},
        "triage": {"specialty": item.specialty},  # triage always names a specialty
    }
    return contract, received, text


def _lookalike(factory: PeopleFactory, rng: random.Random, p: Patient) -> Patient:
    other = factory.patient()
    other.dob = p.dob
    if rng.random() < 0.5:  # same last name (a twin, a sibling), another first name
        other.last = p.last
        other.first = _LOOKALIKE_FIRST.get(p.first, other.first)
    else:  # a last name one letter off, a first name alike
        other.first = p.first
        other.last = p.last[:-1] + ("e" if p.last[-1] != "e" else "a")
    return other


def generate(count: int, seed: int) -> tuple[list[Candidate], list[set[str]]]:
    """Candidates and the clusters of referrals that are the same request."""
    rng = random.Random(seed)
    factory = PeopleFactory(rng)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    out: list[tuple[dict[str, Any], datetime, str]] = []
    clusters: list[set[str]] = []
    for n in range(count):
        p = factory.patient()
        item = rng.choice(ITEMS)
        at = start + timedelta(days=rng.uniform(0, 300))
        base = f"r{n}"
        out.append(referral(rng, base, p, item, at, noise=0.03, drop=0.2))
        scenario = SCENARIOS[n % len(SCENARIOS)]
        later = at + timedelta(days=rng.uniform(0.1, 14))
        if scenario in ("refax", "cover", "letter", "second"):
            again = item
            kw: dict[str, Any] = {"noise": 0.05, "drop": 0.25}
            if scenario == "cover":
                kw["extra"] = "FAX COVER SHEET To: Specialty Clinic From: the practice Pages: 3 "
            if scenario == "letter":
                kw = {"noise": 0.0, "name_style": "last_first"}
            if scenario == "second":
                again = pick_item(rng, specialty=item.specialty)
            out.append(referral(rng, f"{base}b", p, again, later, **kw))
            clusters.append({base, f"{base}b"})
        elif scenario == "new_specialty":
            other = rng.choice([i for i in ITEMS if i.specialty != item.specialty])
            out.append(referral(rng, f"{base}n", p, other, later, noise=0.03, drop=0.2))
        elif scenario == "lookalike":
            same = pick_item(rng, specialty=item.specialty)
            out.append(
                referral(
                    rng, f"{base}l", _lookalike(factory, rng, p), same, later, noise=0.03, drop=0.5
                )
            )
    candidates = [Candidate.from_contract(c, at, text) for c, at, text in out]
    return candidates, clusters


def measure(proposals: list[Any], clusters: list[set[str]]) -> dict[str, Any]:
    """Precision and recall of merge proposals against the known clusters."""
    home = {rid: i for i, cluster in enumerate(clusters) for rid in cluster}
    right = sum(
        1
        for p in proposals
        if p.referral in home and home.get(p.referral) == home.get(p.duplicate_of)
    )
    expected = sum(len(c) - 1 for c in clusters)
    return {
        "proposals": len(proposals),
        "expected_merges": expected,
        "true_positives": right,
        "precision": round(right / len(proposals), 4) if proposals else 1.0,
        "recall": round(right / expected, 4) if expected else 1.0,
    }


def main() -> None:
    """Generate, propose at the default threshold, print the JSON summary last."""
    parser = argparse.ArgumentParser(prog="python -m bench.dedup")
    parser.add_argument("--count", type=int, default=350, help="base referrals")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-embed", action="store_true", help="rapidfuzz only, no model")
    parser.add_argument("--show-errors", action="store_true", help="ids of misses")
    args = parser.parse_args()
    candidates, clusters = generate(args.count, args.seed)
    began = time.perf_counter()
    proposals = propose(
        candidates,
        threshold=DEFAULT_THRESHOLD,
        window_days=DEFAULT_WINDOW_DAYS,
        embed=None if args.no_embed else embedder(),
    )
    elapsed = time.perf_counter() - began
    result = measure(proposals, clusters)
    if args.show_errors:
        home = {rid: i for i, c in enumerate(clusters) for rid in c}
        got = {p.referral for p in proposals} | {p.duplicate_of for p in proposals}
        for p in proposals:
            if home.get(p.referral) is None or home.get(p.referral) != home.get(p.duplicate_of):
                print("FP", p.referral, p.duplicate_of, p.score, p.evidence)
        for c in clusters:
            if not c <= got:
                print("FN", sorted(c))
    result.update(
        referrals=len(candidates),
        threshold=DEFAULT_THRESHOLD,
        window_days=DEFAULT_WINDOW_DAYS,
        embeddings=not args.no_embed,
        seconds=round(elapsed, 2),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
