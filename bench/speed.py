"""Speed: digital-PDF pages/s, and the OCR pipeline's overhead over the raw tesseract CLI.

    python -m bench.speed [--digital 40] [--fax 12]

Runs pinned to one core. For fax pages, the same page images (each TIFF frame saved as its
own single-page G3 TIFF, resolution tags kept) are also given to ``tesseract IMAGE - tsv``
with ``OMP_THREAD_LIMIT=1``; the ratio is pipeline seconds per fax page / CLI seconds per page.
Each fax is timed and then its CLI run straight after, so a load change on a shared machine
hits both sides alike; the ratio is also given in CPU seconds (this process plus its
children: Tesseract and the PDF sandbox), which other load does not move. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from bench.common import documents, generated_set, isolated_environment, load_truth

TARGET_DIGITAL_PAGES_S = 10.0
TARGET_OVERHEAD = 1.25


def _warm_up(settings: object) -> float:
    """Load the field pipeline and the embedding model once, as a long-running worker does."""
    from extractors.fields.specialty_inference import infer_specialty
    from extractors.nlp import build_nlp

    start = time.perf_counter()
    build_nlp()
    infer_specialty("chest pain on exertion", ["I20.9"], model_path=settings.embedding_model_path)  # type: ignore[attr-defined]
    return time.perf_counter() - start


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


Timed = tuple[Path, float, int, float]  # path, wall seconds, pages, CPU seconds


def _pipeline_seconds(
    paths: list[Path], after: Callable[[Path], Any] | None = None
) -> tuple[list[Timed], float]:
    """Per document (path, seconds, pages, CPU seconds) after a warm-up on ``paths[0]``, and
    the warm-up; ``after(path)`` runs straight after each timed document."""
    from models.storage import Store
    from pipeline.runner import process
    from pipeline.settings import Settings
    from pipeline.stage import StageContext

    settings = Settings()
    store = Store(settings.effective_database_url)
    ctx = StageContext(settings=settings)
    warm = _warm_up(settings)
    start = time.perf_counter()
    process(paths[0], ctx, store)  # one-time lazy loads (ICD index, regex caches)
    warm += time.perf_counter() - start
    timed = []
    for path in paths[1:]:
        start, cpu = time.perf_counter(), _cpu()
        result = process(path, ctx, store)
        timed.append((path, time.perf_counter() - start, result.pages, _cpu() - cpu))
        if after is not None:
            after(path)
    return timed, warm


def _frames(paths: list[Path], out: Path) -> list[Path]:
    """Each fax page as its own single-page TIFF, as the fax server delivered it."""
    frames = []
    for path in paths:
        with Image.open(path) as img:
            for i in range(getattr(img, "n_frames", 1)):
                img.seek(i)
                target = out / f"{path.stem}-{i + 1:03d}.tif"
                compression = "group3" if img.mode == "1" else "tiff_lzw"
                img.save(target, compression=compression, dpi=img.info.get("dpi", (204, 196)))
                frames.append(target)
    return frames


def _tesseract_seconds(frames: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of ``tesseract FRAME - tsv`` over the frames, one at a time."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    start, cpu = time.perf_counter(), _cpu()
    for frame in frames:
        subprocess.run(
            ["tesseract", str(frame), "-", "tsv"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start, _cpu() - cpu


#: pipeline wall s, CLI wall s, pages, rotated, pipeline CPU s, CLI CPU s
Row = tuple[float, float, int, bool, float, float]


def _ratio(rows: list[Row]) -> dict[str, float]:
    """Pipeline and CLI seconds per page over the same documents, and their ratios."""
    pipeline_s, cli_s = sum(r[0] for r in rows), sum(r[1] for r in rows)
    pipeline_cpu, cli_cpu = sum(r[4] for r in rows), sum(r[5] for r in rows)
    pages = sum(r[2] for r in rows)
    return {
        "pages": pages,
        "pipeline_s_per_page": round(pipeline_s / max(pages, 1), 3),
        "tesseract_cli_s_per_page": round(cli_s / max(pages, 1), 3),
        "overhead_ratio": round(pipeline_s / cli_s, 3) if cli_s else 0.0,
        "overhead_ratio_cpu": round(pipeline_cpu / cli_cpu, 3) if cli_cpu else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print figures; exit 0 (targets are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digital", type=int, default=40, help="digital documents")
    parser.add_argument("--fax", type=int, default=50, help="fax documents")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ["OMP_THREAD_LIMIT"] = "1"
    isolated_environment()
    report: dict[str, Any] = {}

    digital = documents(generated_set(args.digital, args.seed, "digital"))
    timed, warm = _pipeline_seconds(digital)
    seconds, pages = sum(t[1] for t in timed), sum(t[2] for t in timed)
    report["digital"] = {
        "documents": len(timed),
        "pages": pages,
        "seconds": round(seconds, 3),
        "pages_per_s": round(pages / seconds, 2),
        "warm_up_s": round(warm, 3),
        "target_pages_per_s": TARGET_DIGITAL_PAGES_S,
    }
    print(
        f"digital: {pages} pages in {seconds:.2f}s = {pages / seconds:.1f} pages/s on one core "
        f"(after a {warm:.2f}s warm-up that loads spaCy components and the embedding model)"
    )

    faxes = [
        p
        for p in documents(generated_set(args.fax, args.seed, "fax_fine,fax_normal"))
        if p.suffix.lower() in {".tif", ".tiff"}
    ]
    cli: dict[Path, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:

        def run_cli(path: Path) -> None:
            frames = _frames([path], Path(tmp))
            cli[path] = (*_tesseract_seconds(frames), len(frames))

        timed, _ = _pipeline_seconds(faxes, after=run_cli)
    rows: list[Row] = []
    for path, pipeline_s, _pages, pipeline_cpu in timed:
        cli_s, cli_cpu, frames = cli[path]
        rotated = bool(load_truth(path).get("rotations"))
        rows.append((pipeline_s, cli_s, frames, rotated, pipeline_cpu, cli_cpu))
    report["fax"] = {"documents": len(rows), **_ratio(rows)}
    report["fax_upright_pages_only"] = {
        "documents": sum(not r[3] for r in rows),
        **_ratio([r for r in rows if not r[3]]),
    }
    report["fax"]["target_overhead_ratio"] = TARGET_OVERHEAD
    for name in ("fax", "fax_upright_pages_only"):
        f = report[name]
        print(
            f"{name}: {f['pages']} pages, pipeline {f['pipeline_s_per_page']:.2f}s/page, "
            f"tesseract CLI {f['tesseract_cli_s_per_page']:.2f}s/page, "
            f"overhead ratio {f['overhead_ratio']:.2f} (CPU time {f['overhead_ratio_cpu']:.2f})"
        )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
