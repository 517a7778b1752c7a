"""Sentence embeddings from the packaged all-MiniLM-L6-v2, loaded offline once per session."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from extractors import embeddings
from extractors.fields.specialty_lexicon import lexicon
from models.vocab import Specialty


@pytest.fixture(scope="session")
def model_path():
    """The packaged model folder, loaded once for every test here."""
    path = embeddings.default_model_path()
    embeddings.load_model(path)
    return path


def test_import_is_light() -> None:
    """Importing must not load the model stack (spaCy's thinc may import torch itself, so the
    field modules are only checked for transformers)."""
    import subprocess

    code = ("import sys, extractors.embeddings; a = 'torch' in sys.modules; "
            "import extractors.fields.specialty, extractors.page_kind; "
            "print(a, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_default_path_is_the_installed_package() -> None:
    path = embeddings.default_model_path()
    assert path.name == "model" and (path / "config.json").is_file()


def test_encode_shape_and_unit_norm(model_path) -> None:
    vectors = embeddings.encode(["chest pain on exertion", "", "itchy rash"], model_path)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embeddings.encode([], model_path).shape == (0, 384)


def test_chest_pain_is_closer_to_cardiology_than_dermatology(model_path) -> None:
    protos = lexicon().prototypes
    query, cardio, derm = embeddings.encode(
        ["chest pain on exertion", protos[Specialty.CARDIOLOGY], protos[Specialty.DERMATOLOGY]],
        model_path,
    )
    assert float(query @ cardio) > float(query @ derm) + 0.2


def test_missing_model_folder_raises(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        embeddings.encode(["x"], tmp_path / "nowhere")
