"""Shared bench plumbing: generate a sample set once, run the pipeline in isolated processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from extractors.base import DOCUMENT_SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


GENERATORS = {
    "own": ("samples.generate", "set"),
    "heldout": ("samples.heldout", "heldout"),
    "heldout2": ("samples.heldout2", "heldout2"),
}


def generated_set(count: int, seed: int, variants: str, generator: str = "own") -> Path:
    """Folder with ``count`` generated documents (made once per set/count/seed/variants).

    ``generator`` is ``own`` (samples.generate, the set the extractors were tuned on),
    ``heldout`` or ``heldout2`` (samples.heldout, samples.heldout2: written apart from them).
    """
    module, prefix = GENERATORS[generator]
    folder = OUT / f"{prefix}-{count}-{seed}-{variants.replace(',', '_')}"
    marker = folder / ".complete"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                module,
                "--out",
                str(folder),
                "--count",
                str(count),
                "--seed",
                str(seed),
                "--variants",
                variants,
            ],
            check=True,
            cwd=ROOT,
        )
        marker.touch()
    return folder


def documents(folder: Path) -> list[Path]:
    """Documents in ``folder`` that have a ground-truth file."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in DOCUMENT_SUFFIXES and truth_path(p).exists()
    )


def truth_path(doc: Path) -> Path:
    """``<name>.truth.json`` beside a document."""
    return doc.with_name(doc.stem + ".truth.json")


def load_truth(doc: Path) -> dict[str, Any]:
    """Parsed ground truth of a document."""
    return json.loads(truth_path(doc).read_text(encoding="utf-8"))


def isolated_environment() -> Path:
    """Point INTAKE_DATA_DIR at a fresh temp folder for this process (own DB, own images)."""
    data = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    os.environ["INTAKE_DATA_DIR"] = str(data)
    os.environ.pop("INTAKE_DATABASE_URL", None)
    return data
