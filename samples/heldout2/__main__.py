"""CLI: ``python -m samples.heldout2 --out DIR --count N --seed S [--variants ...] [--jobs J]``."""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from samples.heldout2.build import VARIANTS, make_document


def main(argv: list[str] | None = None) -> int:
    """Write ``count`` documents with their truth files into ``--out``."""
    parser = argparse.ArgumentParser(description="Generate the second held-out referral set.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown or not variants:
        parser.error(f"unknown variants: {', '.join(unknown)} (known: {', '.join(VARIANTS)})")
    args.out.mkdir(parents=True, exist_ok=True)
    n = args.count
    if args.jobs <= 1:
        for i in range(n):
            make_document(args.out, i, args.seed, variants)
    else:
        with ProcessPoolExecutor(args.jobs) as pool:
            list(pool.map(make_document, [args.out] * n, range(n), [args.seed] * n, [variants] * n))
    print(f"wrote {n} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
