"""CLI: ``python -m samples.heldout --out DIR --count N --seed S [--variants ...] [--jobs J]``."""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from samples.heldout.build import VARIANTS, make_document


def main(argv: list[str] | None = None) -> int:
    """Write ``count`` documents with their truth files into ``--out``."""
    parser = argparse.ArgumentParser(description="Generate the held-out referral set.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)} (known: {', '.join(VARIANTS)})")
    args.out.mkdir(parents=True, exist_ok=True)
    indices = range(args.count)
    if args.jobs <= 1:
        for i in indices:
            make_document(args.out, i, args.seed, variants)
    else:
        with ProcessPoolExecutor(args.jobs) as pool:
            n = args.count
            list(pool.map(make_document, [args.out] * n, indices, [args.seed] * n, [variants] * n))
    print(f"wrote {args.count} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
