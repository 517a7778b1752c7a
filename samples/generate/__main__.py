"""CLI: ``python -m samples.generate --out DIR --count N --seed S [--variants a,b] [--jobs J]``.

Documents are independent (per-index RNG), so they are generated in parallel processes; the
output is the same whatever ``--jobs`` is.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from samples.generate.clinical import check_codes
from samples.generate.core import VARIANTS, generate_one


def _one(args: tuple[Path, int, int, str]) -> str:
    out, seed, index, variant = args
    return generate_one(out, seed, index, variant=variant)["source"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="output directory (created)")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variants", default="digital,fax_fine,fax_normal",
                    help=f"comma list, cycled over documents; any of {','.join(VARIANTS)}")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0 = CPU count)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        ap.error(f"unknown variants: {', '.join(sorted(unknown))}")
    check_codes()
    a.out.mkdir(parents=True, exist_ok=True)
    tasks = [(a.out, a.seed, i, variants[i % len(variants)]) for i in range(a.count)]
    with ProcessPoolExecutor(max_workers=a.jobs or None) as pool:
        for name in pool.map(_one, tasks, chunksize=4):
            if not a.quiet:
                print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
