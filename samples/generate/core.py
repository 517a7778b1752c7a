"""Generate one document (file + truth JSON) from (seed, index, variant, layout).

Each document gets its own RNG derived from the run seed and its index, so a document does not
change when other documents are added or the count changes, and runs are reproducible.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from samples.generate.layouts import cover_form, ehr, letter, multi, nonreferral
from samples.generate.model import Ctx, Doc
from samples.generate.people import PeopleFactory
from samples.generate.render import pdf_bytes, stamp_text, write_fax_tiff, write_scan

VARIANTS: tuple[str, ...] = ("digital", "fax_fine", "fax_normal", "scan_pdf", "scan_png",
                             "scan_jpg")
FAX = ("fax_fine", "fax_normal")
EXT = {"digital": "pdf", "fax_fine": "tif", "fax_normal": "tif", "scan_pdf": "pdf",
       "scan_png": "png", "scan_jpg": "jpg"}
BUILDERS: dict[str, Callable[..., Doc]] = {
    "cover_form": cover_form.build, "letter": letter.build, "ehr": ehr.build,
    "multi": multi.build, "nonreferral": nonreferral.build,
}
LAYOUT_WEIGHTS = {"cover_form": 35, "letter": 18, "ehr": 17, "multi": 12, "nonreferral": 18}
SINGLE_PAGE = ("letter", "ehr", "nonreferral")
BASE_DAY = date(2024, 3, 4)


def pick_layout(rng: random.Random, variant: str) -> str:
    names = [n for n in LAYOUT_WEIGHTS if variant not in ("scan_png", "scan_jpg")
             or n in SINGLE_PAGE]
    return rng.choices(names, weights=[LAYOUT_WEIGHTS[n] for n in names])[0]


def geometry(rng: random.Random, doc: Doc, variant: str, *, rotate: bool | None
             ) -> tuple[dict[int, int], dict[int, float]]:
    """Per-page quarter-turn rotations and small skews; only for fax and scan variants."""
    if variant == "digital":
        return {}, {}
    n = len(doc.pages)
    skews: dict[int, float] = {}
    for page in range(1, n + 1):
        if rng.random() < 0.35:
            skews[page] = round(rng.choice([-1, 1]) * rng.uniform(1.0, 4.0), 2)
        elif rng.random() < 0.5:
            skews[page] = round(rng.uniform(-0.5, 0.5), 2)
    if variant.startswith("scan"):
        skews = {p: round(max(-1.5, min(1.5, a)), 2) for p, a in skews.items()}
    rotations: dict[int, int] = {}
    do_rotate = (rng.random() < 0.2) if rotate is None else rotate
    if do_rotate and variant != "scan_png" and variant != "scan_jpg":
        page = rng.randint(2, n) if n > 1 else 1
        rotations[page] = rng.choice([90, 180, 270])
        skews.pop(page, None)
    elif do_rotate:
        rotations[1] = 180
    return rotations, skews


def generate_one(out_dir: Path, seed: int, index: int, *, variant: str | None = None,
                 layout: str | None = None, name: str | None = None, rotate: bool | None = None,
                 dpi: int | None = None, **layout_opts: Any) -> dict[str, Any]:
    """Write one document and its ``.truth.json``; return the truth dict."""
    rng = random.Random(f"{seed}:{index}")
    variant = variant or rng.choice(("digital", "fax_fine", "fax_normal"))
    layout = layout or pick_layout(rng, variant)
    ctx = Ctx(rng=rng, people=PeopleFactory(rng), variant=variant,
              today=BASE_DAY + timedelta(days=rng.randint(0, 400)))
    doc = BUILDERS[layout](ctx, **layout_opts)
    rotations, skews = geometry(rng, doc, variant, rotate=rotate)
    stem = name or f"{index:04d}_{doc.layout}_{variant}"
    path = out_dir / f"{stem}.{EXT[variant]}"
    stamp = stamp_text(doc, ctx.today, rng) if variant in FAX else None
    pdf = pdf_bytes(doc, fax_stamp=stamp)
    truth: dict[str, Any] = {"source": path.name, "variant": variant, "layout": doc.layout,
                             "document_type": doc.document_type, "page_count": len(doc.pages)}
    if variant == "digital":
        path.write_bytes(pdf)
    elif variant in FAX:
        write_fax_tiff(pdf, path, variant, rotations, skews, rng)
        truth["resolution_dpi"] = [204, 196 if variant == "fax_fine" else 98]
    else:
        res = dpi or rng.choice([200, 240, 300])
        write_scan(pdf, path, variant.removeprefix("scan_"), res, rotations, skews, rng)
        truth["resolution_dpi"] = [res, res]
        if variant in ("scan_png", "scan_jpg"):
            truth["page_count"] = 1
    truth["rotations"] = {str(k): v for k, v in sorted(rotations.items())}
    truth["skew_degrees"] = {str(k): v for k, v in sorted(skews.items())}
    truth["referrals"] = doc.truth_referrals()
    (out_dir / f"{stem}.truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth
