"""build_nlp / make_doc: the config-driven field pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.fields.base import candidates
from extractors.nlp import build_nlp, make_doc


def test_default_pipeline_has_the_administrative_components() -> None:
    nlp = build_nlp()
    assert {"dates", "patient", "address", "phone", "insurance", "npi", "provider"} <= set(
        nlp.pipe_names
    )
    assert build_nlp() is nlp  # cached


def test_missing_factory_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:
    cfg = tmp_path / "config.cfg"
    cfg.write_text(
        '[nlp]\nlang = "en"\npipeline = ["dates", "not_written_yet"]\n\n[components]\n\n'
        '[components.dates]\nfactory = "intake_dates"\n\n'
        '[components.not_written_yet]\nfactory = "intake_not_written_yet"\n'
    )
    with caplog.at_level(logging.WARNING, logger="extractors.nlp"):
        nlp = build_nlp(cfg)
    assert nlp.pipe_names == ["dates"]
    assert "intake_not_written_yet" in caplog.text


def test_make_doc_runs_the_pipeline_over_the_page(make_page) -> None:
    page = make_page(["Patient Name: Jane Doe   DOB: 03/04/1961", "Phone: (312) 555-0147"])
    doc = make_doc(build_nlp(), page)
    assert doc.text == page.text()
    assert doc.user_data["page"] is page
    found = {str(c.name): c.value for c in candidates(doc, page.number)}
    assert found["patient.name"] == "Jane Doe"
    assert found["patient.dob"] == "1961-03-04"
    assert found["patient.phone"] == "+13125550147"
