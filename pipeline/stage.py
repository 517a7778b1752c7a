"""The stage contract and the context every stage gets.

A stage is a plain function ``stage(item, ctx) -> result``. After reading, every stage takes
and returns one :class:`models.evidence.Analysis` — the document, the evidence found on each
page, and the referrals, each carrying the evidence it was built from (its pages, candidates
and red flags) — so nothing travels beside the model (``pipeline.runner.ANALYSIS_STAGES``):

- it MUST NOT import dramatiq, fastapi or the storage layer: the runner and the actors persist
  between stages, so the same stage runs in the CLI, in tests and in a distributed worker;
- it MUST raise :class:`models.errors.Rejected` for input that can never succeed (the file goes
  to quarantine) and :class:`models.errors.Transient` for failures worth retrying; anything else
  is a bug and is quarantined as ``internal_error`` by the caller;
- it MUST be safe to run twice on the same input (queue messages may be redelivered);
- it never logs field values, text or file names (PHI): ids, counts and timings only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.base import EngineContext
from pipeline.datadir import process_tmp_dir
from pipeline.settings import Settings


def no_progress(_message: str, _fraction: float) -> None:
    """Default progress sink: say nothing."""


@dataclass(frozen=True, slots=True)
class StageContext:
    """Everything a stage may use besides its input. Built once per document."""

    settings: Settings
    workdir: Path | None = None
    report: Callable[[str, float], None] = field(default=no_progress)

    def engine_context(self) -> EngineContext:
        """The frozen subset of settings that text engines see."""
        return EngineContext(
            ocr_dpi=self.settings.ocr_dpi,
            ocr_timeout_s=self.settings.ocr_timeout_s,
            tesseract_lang=self.settings.tesseract_lang,
            workdir=self.workdir,
            image_dpi=self.settings.image_dpi,
            tmp_dir=process_tmp_dir(self.settings),
        )
