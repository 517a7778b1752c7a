"""build_nlp / make_doc: the config-driven field pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.fields.base import candidates
from extractors.nlp import FieldComponentError, build_nlp, make_doc


def test_default_pipeline_has_the_administrative_components() -> None:
    nlp = build_nlp()
    assert {"dates", "patient", "address", "phone", "insurance", "npi", "provider"} <= set(
        nlp.pipe_names
    )
    assert build_nlp() is nlp  # cached


def _config(tmp_path: Path, factory: str) -> Path:
    cfg = tmp_path / "config.cfg"
    cfg.write_text(
        '[nlp]\nlang = "en"\npipeline = ["dates", "broken"]\n\n[components]\n\n'
        '[components.dates]\nfactory = "intake_dates"\n\n'
        f'[components.broken]\nfactory = "{factory}"\n'
    )
    return cfg


def test_missing_component_is_an_error_not_a_dropped_field(tmp_path: Path) -> None:
    with pytest.raises(FieldComponentError, match="intake_not_written_yet"):
        build_nlp(_config(tmp_path, "intake_not_written_yet"))


def test_module_without_its_factory_is_an_error(tmp_path: Path) -> None:
    # extractors.fields.base imports fine but registers no "intake_base" factory
    with pytest.raises(FieldComponentError, match="registers no factory"):
        build_nlp(_config(tmp_path, "intake_base"))


def test_component_failing_at_import_is_an_error(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "pkg_boom"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "boom.py").write_text("raise NameError('half-written component')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("extractors.nlp._FIELDS_PACKAGE", "pkg_boom")
    with pytest.raises(FieldComponentError, match=r"intake_boom.*NameError"):
        build_nlp(_config(tmp_path, "intake_boom"))


def test_make_doc_runs_the_pipeline_over_the_page(make_page) -> None:
    page = make_page(["Patient Name: Jane Doe   DOB: 03/04/1961", "Phone: (312) 555-0147"])
    doc = make_doc(build_nlp(), page)
    assert doc.text == page.text()
    assert doc.user_data["page"] is page
    found = {str(c.name): c.value for c in candidates(doc, page.number)}
    assert found["patient.name"] == "Jane Doe"
    assert found["patient.dob"] == "1961-03-04"
    assert found["patient.phone"] == "+13125550147"
