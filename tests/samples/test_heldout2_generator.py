"""The second held-out generator: deterministic, truth valid, renders as claimed."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pdfplumber
import phonenumbers
import pytest
import simple_icd_10_cm as icd
from PIL import Image

from bench.accuracy import _side_by_side
from bench.accuracy import main as accuracy_main
from models.vocab import DocumentType, FieldName, Sex, Specialty, Urgency
from samples.heldout2.__main__ import main as heldout2_main
from samples.heldout2.build import NONREF_LAYOUTS, REFERRAL_LAYOUTS, layout_for, make_document

VARIANTS = ["digital", "fax_fine", "fax_normal", "scan"]
# index -> variant index % 4, layout (index + seed) % 27: one of each referral family and two
# non-referrals (a lab result, a blank fax), over every variant; the multi-page ones not scanned.
INDICES = [0, 1, 2, 3, 4, 5, 6, 34, 8, 9, 25]
DATE_FIELDS = {"patient.dob", "referral.date"}
PHONE_FIELDS = {"patient.phone", "referring.phone", "referring.fax"}


def _luhn_npi(npi: str) -> bool:
    """Independent Luhn check of an NPI with the 80840 prefix."""
    digits = [int(c) for c in "80840" + npi]
    total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return total % 10 == 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("heldout2")
    for i in INDICES:
        make_document(out, i, 0, VARIANTS)
    return out


def _truths(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.truth.json"))]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files_other_seed_other_truth(generated: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    assert heldout2_main(["--out", str(again), "--count", "4", "--seed", "0", "--jobs", "2"]) == 0
    for path in sorted(again.iterdir()):
        assert _digest(path) == _digest(generated / path.name)
    first = _truths(again)
    heldout2_main(["--out", str(other), "--count", "2", "--seed", "1", "--jobs", "1"])
    assert _truths(other) != first


def test_truth_is_valid_against_the_contract(generated: Path) -> None:
    truths = _truths(generated)
    assert len(truths) == len(INDICES)
    contract = {f.value for f in FieldName}
    assert {t["variant"] for t in truths} == set(VARIANTS)
    assert {t["layout"] for t in truths} >= set(REFERRAL_LAYOUTS)
    for t in truths:
        assert (generated / t["source"]).exists()
        assert t["document_type"] in {d.value for d in DocumentType}
        assert (t["document_type"] == "referral") == bool(t["referrals"])
        assert (t["layout"] in NONREF_LAYOUTS) == (not t["referrals"])
        pages = [p for ref in t["referrals"] for p in ref["pages"]]
        assert len(pages) == len(set(pages))  # a page belongs to one referral
        for ref in t["referrals"]:
            fields = ref["fields"]
            assert set(fields) <= contract
            assert {"patient.name", "patient.dob", "referral.specialty", "referral.urgency"} <= set(
                fields
            )
            assert set(ref["pages"]) <= set(range(1, t["page_count"] + 1))
            assert isinstance(ref["specialty_stated"], bool)
            assert isinstance(ref["urgency_stated"], bool)
            assert fields["referral.specialty"] in {s.value for s in Specialty}
            assert fields["referral.urgency"] in {u.value for u in Urgency}
            if fields["referral.urgency"] == "stat":
                assert ref["urgency_stated"]  # STAT is never inferred
            for name in DATE_FIELDS & set(fields):
                assert date.fromisoformat(fields[name]).isoformat() == fields[name]
            for name in PHONE_FIELDS & set(fields):
                assert re.fullmatch(r"\+1\d{10}", fields[name])
                assert phonenumbers.is_valid_number(phonenumbers.parse(fields[name]))
            if "referring.npi" in fields:
                assert re.fullmatch(r"\d{10}", fields["referring.npi"])
                assert _luhn_npi(fields["referring.npi"])
            for code in fields.get("referral.diagnoses", []):
                assert icd.is_valid_item(code) and icd.is_leaf(code), code
            if "patient.sex" in fields:
                assert fields["patient.sex"] in {s.value for s in Sex}
            for name in ("patient.mrn", "insurance.member_id"):
                if name in fields:
                    assert 6 <= len(fields[name]) <= 12


def test_digital_text_layer_carries_the_truth(generated: Path) -> None:
    """Every truth value that is printed verbatim is in the digital PDF's text."""
    for t in _truths(generated):
        if t["variant"] != "digital":
            continue
        with pdfplumber.open(generated / t["source"]) as pdf:
            if any(p.images for p in pdf.pages):  # a pasted-in card image has no text layer
                continue
            text = " ".join((p.extract_text() or "") for p in pdf.pages)
        flat = re.sub(r"\s+", "", text).casefold()  # char boxes space their characters out
        for ref in t["referrals"]:
            fields = ref["fields"]
            for name in ("referring.npi", "insurance.member_id", "insurance.group_number"):
                if name in fields:
                    assert fields[name].casefold() in flat, name
            for code in fields.get("referral.diagnoses", []):
                assert code.casefold() in flat


def test_renders_are_what_they_claim(generated: Path) -> None:
    for t in _truths(generated):
        path = generated / t["source"]
        if t["variant"].startswith("fax"):
            ydpi = 196 if t["variant"] == "fax_fine" else 98
            assert t["resolution_dpi"] == [204, ydpi]
            with Image.open(path) as im:
                assert im.info["compression"] in ("group3", "group4")
                assert tuple(round(v) for v in im.info["dpi"]) == (204, ydpi)
                assert im.n_frames == t["page_count"]
                assert im.mode == "1"
        elif t["variant"] == "digital":
            with pdfplumber.open(path) as pdf:
                assert len(pdf.pages) == t["page_count"]
                assert len(pdf.pages[0].extract_text() or "") > 100  # a real text layer
        else:
            assert 200 <= t["resolution_dpi"][0] <= 300
            if path.suffix == ".pdf":
                with pdfplumber.open(path) as pdf:
                    assert len(pdf.pages) == t["page_count"]
                    assert all(not (p.extract_text() or "").strip() for p in pdf.pages)
                    assert all(p.images for p in pdf.pages)
            else:
                assert t["page_count"] == 1
                with Image.open(path) as im:
                    assert im.mode in ("L", "1")


def test_every_layout_in_every_render_and_about_a_third_not_referrals() -> None:
    n = 108
    layouts = {(i % 4, layout_for(i, 7, 4)) for i in range(n)}
    for v in range(4):
        assert {layout for vv, layout in layouts if vv == v} >= {*REFERRAL_LAYOUTS, *NONREF_LAYOUTS}
    nonref = sum(layout_for(i, 7, 4) in NONREF_LAYOUTS for i in range(n))
    assert 0.25 <= nonref / n <= 0.35


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        heldout2_main(["--out", str(tmp_path), "--count", "1", "--variants", "scan_png"])


def test_accuracy_prints_the_three_sets_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    def rep(f1: float) -> dict:
        summary = {
            "overall": {"f1": f1},
            "urgency_accuracy": 1.0,
            "specialty_accuracy_stated": None,
            "specialty_accuracy_implied": 0.5,
            "referral_count_accuracy": 1.0,
            "under_triage_rate": 0.0,
        }
        return {"variants": {"digital": summary}}

    _side_by_side({"own": rep(0.9), "heldout": rep(0.8), "heldout2": rep(0.7)})
    out = capsys.readouterr().out
    assert "own / heldout / heldout2" in out
    assert "0.900 / 0.800 / 0.700" in out


def test_accuracy_refuses_one_folder_for_several_sets(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        accuracy_main(["--set", "all", "--folder", str(tmp_path)])
