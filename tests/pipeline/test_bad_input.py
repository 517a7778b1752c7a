"""Every bad input ends quarantined with its code, a copy and a .error.txt — never a crash."""

import json
from pathlib import Path

import pytest

from pipeline.runner import process
from tests.conftest import SAMPLES

BAD = sorted(p for p in (SAMPLES / "bad").glob("*") if p.name.endswith(".expected.json"))


def _input_of(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    inputs = [p for p in expected.parent.glob(stem + ".*") if p != expected]
    assert len(inputs) == 1, f"expected exactly one input for {stem}"
    return inputs[0]


@pytest.mark.parametrize("expected_file", BAD, ids=[p.name.split(".expected")[0] for p in BAD])
def test_bad_input_is_quarantined_with_its_code(expected_file, ctx, store, settings):
    expected = json.loads(expected_file.read_text())
    path = _input_of(expected_file)
    result = process(path, ctx, store)
    if expected.get("status") == "processed":
        assert result.status.value == "processed"
        return
    assert result.status.value == "quarantined"
    assert result.error_code == expected["error_code"]
    assert result.error.startswith(expected["error_code"] + ":")
    assert "Traceback" not in result.error
    copies = list(settings.quarantine_dir.glob("*.error.txt"))
    assert len(copies) == 1
    assert expected["error_code"] in copies[0].read_text()
    assert store.document_by_sha(result.sha256).status == "quarantined"


def test_bad_samples_cover_the_required_cases():
    codes = {json.loads(p.read_text()).get("error_code") for p in BAD}
    assert {
        "empty_file",
        "corrupt_file",
        "encrypted_pdf",
        "image_too_small",
        "image_too_large",
    } <= codes


def test_missing_file_is_not_found_not_quarantined(ctx, store, tmp_path, settings):
    result = process(tmp_path / "gone.pdf", ctx, store)
    assert result.status.value == "not_found"
    assert result.error.startswith("not_found")
    assert not settings.quarantine_dir.exists()
