"""Fast checks of the synthetic generator and of the committed samples' ground truth."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import phonenumbers
import pytest
import simple_icd_10_cm as icd
from PIL import Image

from samples.generate.core import generate_one
from samples.generate.people import npi_check_digit, npi_is_valid

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
VARIANTS = ("digital", "fax_fine", "fax_normal", "scan_pdf")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    for i in range(12):
        generate_one(out, 11, i, variant=VARIANTS[i % len(VARIANTS)], dpi=150)
    return out


def _truths(*folders: Path) -> list[dict]:
    return [json.loads(p.read_text()) for f in folders for p in sorted(f.glob("*.truth.json"))]


def _all_truths(generated: Path) -> list[dict]:
    truths = _truths(generated, SAMPLES / "referrals")
    assert truths
    return truths


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        out.mkdir()
        for i, variant in enumerate(VARIANTS):
            generate_one(out, 5, i, variant=variant, dpi=100)
    assert _digest(a) == _digest(b)


def test_different_seeds_differ(tmp_path: Path) -> None:
    t1 = generate_one(tmp_path, 1, 0, variant="digital", layout="letter", name="x")
    t2 = generate_one(tmp_path, 2, 0, variant="digital", layout="letter", name="y")
    assert t1["referrals"][0]["fields"] != t2["referrals"][0]["fields"]


def test_npi_luhn() -> None:
    assert npi_check_digit("123456789") == "3"  # CMS worked example: 1234567893
    assert npi_is_valid("1234567893") and not npi_is_valid("1234567890")


def test_truth_npis_pass_luhn(generated: Path) -> None:
    npis = [r["fields"]["referring.npi"] for t in _all_truths(generated) for r in t["referrals"]
            if "referring.npi" in r["fields"]]
    assert npis and all(npi_is_valid(n) for n in npis)


def test_truth_phones_are_valid_e164(generated: Path) -> None:
    phones = [v for t in _all_truths(generated) for r in t["referrals"]
              for k, v in r["fields"].items() if k in ("patient.phone", "referring.phone",
                                                       "referring.fax")]
    assert phones
    for p in phones:
        assert re.fullmatch(r"\+1\d{10}", p), p
        assert phonenumbers.is_valid_number(phonenumbers.parse(p)), p


def test_truth_icd10_codes_are_valid(generated: Path) -> None:
    codes = [c for t in _all_truths(generated) for r in t["referrals"]
             for c in r["fields"].get("referral.diagnoses", [])]
    assert codes and all("." in c or len(c) == 3 for c in codes)
    assert all(icd.is_valid_item(c) for c in codes)


def test_truth_shape(generated: Path) -> None:
    for t in _all_truths(generated):
        assert t["document_type"] == "referral" or t["referrals"] == []
        for r in t["referrals"]:
            f = r["fields"]
            assert {"referral.specialty", "referral.urgency"} <= f.keys()
            assert f["referral.urgency"] in ("stat", "urgent", "routine")
            assert all(1 <= p <= t["page_count"] for p in r["pages"])
            assert not re.search(r"\b(Dr\.|MD|DO|NP|PA-C)\b", f.get("referring.name", ""))


@pytest.mark.parametrize(("name", "yres"), [("02_cover_form_3page_fax_fine.tif", 196),
                                            ("03_cover_form_fax_normal.tif", 98)])
def test_fax_tiff_is_group3_with_fax_dpi(name: str, yres: int) -> None:
    with Image.open(SAMPLES / "referrals" / name) as im:
        assert im.info["compression"] == "group3"
        assert tuple(round(v) for v in im.info["dpi"]) == (204, yres)
        assert im.mode == "1"


def test_generated_fax_tiffs(generated: Path) -> None:
    tiffs = sorted(generated.glob("*.tif"))
    assert tiffs
    for p in tiffs:
        truth = json.loads(p.with_suffix(".truth.json").read_text())
        with Image.open(p) as im:
            assert im.info["compression"] == "group3"
            assert tuple(round(v) for v in im.info["dpi"]) == tuple(truth["resolution_dpi"])
            assert im.n_frames == truth["page_count"]


def test_committed_files_have_truth_and_expectations() -> None:
    docs = [p for p in (SAMPLES / "referrals").iterdir() if not p.name.endswith(".json")]
    assert len(docs) >= 25
    for p in docs:
        assert p.with_suffix(".truth.json").exists(), p.name
    bad = [p for p in (SAMPLES / "bad").iterdir() if not p.name.endswith(".json")]
    assert bad
    for p in bad:
        expected = json.loads((p.parent / f"{p.stem}.expected.json").read_text())
        assert "error_code" in expected or expected.get("status") == "processed"
    assert sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file()) < 8_000_000
