"""The held-out generator: deterministic, truth valid against the contract, renders as claimed."""

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

from models.vocab import DocumentType, FieldName, Sex, Specialty, Urgency
from samples.heldout.__main__ import main as heldout_main
from samples.heldout.build import NONREF_LAYOUTS, REFERRAL_LAYOUTS, layout_for, make_document

VARIANTS = ["digital", "fax_fine", "fax_normal", "scan"]
# index -> (variant index % 4, layout slot index // 4): forms, letters, EHR, packet, multi, non-refs
INDICES = [0, 5, 10, 15, 17, 22, 27, 30, 32, 35]
DATE_FIELDS = {"patient.dob", "referral.date"}
PHONE_FIELDS = {"patient.phone", "referring.phone", "referring.fax"}


def _luhn_npi(npi: str) -> bool:
    """Independent Luhn check of an NPI with the 80840 prefix."""
    digits = [int(c) for c in "80840" + npi]
    total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return total % 10 == 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("heldout")
    for i in INDICES:
        make_document(out, i, 0, VARIANTS)
    return out


def _truths(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.truth.json"))]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files_other_seed_other_truth(generated: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    assert heldout_main(["--out", str(again), "--count", "4", "--seed", "0", "--jobs", "2"]) == 0
    for path in sorted(again.iterdir()):
        if path.stem.startswith("hx_0001"):  # index 0 is in the module fixture
            assert _digest(path) == _digest(generated / path.name)
    first = _truths(again)
    for path in sorted(again.iterdir()):
        path.unlink()
    heldout_main(["--out", str(again), "--count", "4", "--seed", "0", "--jobs", "1"])
    assert _truths(again) == first
    heldout_main(["--out", str(other), "--count", "4", "--seed", "1", "--jobs", "1"])
    assert _truths(other) != first


def test_truth_is_valid_against_the_contract(generated: Path) -> None:
    truths = _truths(generated)
    assert len(truths) == len(INDICES)
    contract = {f.value for f in FieldName}
    assert {t["variant"] for t in truths} == set(VARIANTS)
    assert any(t["referrals"] == [] for t in truths) and any(t["referrals"] for t in truths)
    for t in truths:
        assert (generated / t["source"]).exists()
        assert t["document_type"] in {d.value for d in DocumentType}
        assert (t["document_type"] == "referral") == bool(t["referrals"])
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


def test_renders_are_what_they_claim(generated: Path) -> None:
    for t in _truths(generated):
        path = generated / t["source"]
        if t["variant"].startswith("fax"):
            ydpi = 196 if t["variant"] == "fax_fine" else 98
            assert t["resolution_dpi"] == [204, ydpi]
            with Image.open(path) as im:
                assert im.info["compression"] == "group3"
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
                    assert im.mode == "L"


def test_every_layout_in_every_render_and_a_third_not_referrals() -> None:
    n = 160
    layouts = {(i % 4, layout_for(i, 7, 4)) for i in range(n)}
    for v in range(4):
        assert {layout for vv, layout in layouts if vv == v} >= set(REFERRAL_LAYOUTS)
    nonref = sum(layout_for(i, 7, 4) in NONREF_LAYOUTS for i in range(n))
    assert 0.25 <= nonref / n <= 0.35
    assert {layout_for(i, 7, 4) for i in range(n)} >= set(NONREF_LAYOUTS)


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        heldout_main(["--out", str(tmp_path), "--count", "1", "--variants", "scan_png"])
