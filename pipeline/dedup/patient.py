"""Is it the same patient? Names, DOB and identifiers weighed, OCR slips allowed.

Agreement on a name alone, or on a DOB alone, is never enough: families share names and
thousands of patients share a birthday. An identifier that clearly differs (another MRN,
member id or a DOB that is not one digit swap away) is a contradiction that vetoes the
match; an identifier that agrees but for one OCR slip still counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pipeline.dedup.candidate import Candidate
from pipeline.dedup.names import first_similarity, name_similarity, split_name


@dataclass
class PatientMatch:
    """Score 0–1, the evidence codes behind it, and whether something contradicts it."""

    score: float = 0.0
    evidence: list[str] = field(default_factory=list)
    contradiction: str = ""


def dob_relation(a: str, b: str) -> str:
    """``exact``, ``transposed`` (two adjacent digits swapped), ``differs`` or ``unknown``."""
    if not a or not b:
        return "unknown"
    if a == b:
        return "exact"
    da, db = a.replace("-", ""), b.replace("-", "")
    if len(da) != len(db):
        return "differs"
    diff = [i for i in range(len(da)) if da[i] != db[i]]
    if (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and da[diff[0]] == db[diff[1]]
        and (da[diff[1]] == db[diff[0]])
    ):
        return "transposed"
    # day and month swapped (03/04 read as 04/03) is the same slip at the field level
    if da[:4] == db[:4] and da[4:6] == db[6:8] and da[6:8] == db[4:6]:
        return "transposed"
    return "differs"


def id_relation(a: str, b: str) -> str:
    """``same``, ``slip`` (one OCR character off, 6+ long), ``differs`` or ``unknown``."""
    if not a or not b:
        return "unknown"
    if a == b:
        return "same"
    if min(len(a), len(b)) >= 6 and Levenshtein.distance(a, b) <= 1:
        return "slip"
    return "differs"


def match_patient(a: Candidate, b: Candidate) -> PatientMatch:
    """Weigh name, DOB, MRN, member id and phone of two referrals' patients."""
    out = PatientMatch()
    name, name_evidence = name_similarity(a.name, b.name)
    dob = dob_relation(a.dob, b.dob)
    ids = {
        "mrn": id_relation(a.mrn, b.mrn),
        "member_id": id_relation(a.member_id, b.member_id),
        "phone": id_relation(a.phone, b.phone),
    }
    if dob == "differs":
        out.contradiction = "dob_differs"
    for key in ("mrn", "member_id"):
        if ids[key] == "differs":
            out.contradiction = out.contradiction or f"{key}_differs"
    if name and name < 0.75:
        out.contradiction = out.contradiction or "name_differs"
    # same surname and DOB but another given name: twins, siblings, a parent and child
    fa, _ = split_name(a.name)
    fb, _ = split_name(b.name)
    if fa and fb and "name_swapped" not in name_evidence:
        first, _nick = first_similarity(fa, fb)
        if first < 0.7:
            out.contradiction = out.contradiction or "first_name_differs"
    strong = sum(v in ("same", "slip") for v in ids.values())
    dob_ok = dob in ("exact", "transposed")
    same_name = bool(name_evidence) and name_evidence[0] != "name_fuzzy"
    if same_name and dob_ok:  # the same name (but for OCR slips or a nickname) and DOB
        score = 0.97 if strong else 0.9 if dob == "exact" else 0.85
    elif name >= 0.8 and dob_ok and strong:  # names differ more, an identifier agrees
        score = 0.88
    else:  # a weaker match: enough only with the same document (see propose.score_pair)
        dob_score = {"exact": 1.0, "transposed": 0.85, "unknown": 0.4, "differs": 0.0}[dob]
        score = min(0.8, 0.5 * name + 0.3 * dob_score + 0.2 * min(1.0, strong / 2))
    out.score = 0.0 if out.contradiction else round(score, 3)
    out.evidence = [*name_evidence]
    if dob != "unknown":
        out.evidence.append(f"dob_{dob}")
    out.evidence += [f"{k}_{v}" for k, v in ids.items() if v in ("same", "slip")]
    if out.contradiction:
        out.evidence.append(out.contradiction)
    return out
