"""Field accuracy over a generated set: precision, recall and F1 per field and per variant.

    python -m bench.accuracy --count 200 [--seed 7] [--workers 2]
        [--set own|heldout|heldout2|both|all]

``--set own`` (default) scores the project's own generator (samples/generate), ``heldout``
the independently written held-out set (samples/heldout, with a ``scan`` variant),
``heldout2`` a second one written apart from both (samples/heldout2), ``both`` runs own and
heldout side by side, ``all`` the three side by side. Per variant: overall and per-field P/R/F1,
urgency and specialty accuracy (stated vs implied), document-type and referral-count
accuracy, under-triage, non-referrals turned into referrals and a confidence calibration
table. The last line is JSON. ``--mismatches`` shows errors for the own set only: extractor
developers see only scores of the held-out sets, so they keep measuring generalisation.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.common import documents, generated_set, isolated_environment, load_truth
from samples.scoring import Score, score_document

TARGETS = {"digital": 0.97, "fax_fine": 0.93, "fax_normal": 0.88}
DEFAULT_VARIANTS = {
    "own": "digital,fax_fine,fax_normal",
    "heldout": "digital,fax_fine,fax_normal,scan",
    "heldout2": "digital,fax_fine,fax_normal,scan",
}
SETS = {"both": ["own", "heldout"], "all": ["own", "heldout", "heldout2"]}


def _init() -> None:
    isolated_environment()


def _run(path: str) -> dict[str, Any]:
    from models.storage import Store
    from pipeline.runner import process
    from pipeline.settings import Settings
    from pipeline.stage import StageContext

    settings = Settings()
    store = Store(settings.effective_database_url)
    return process(Path(path), StageContext(settings=settings), store).to_contract()


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _print_variant(variant: str, score: Score, summary: dict[str, Any], mismatches: int) -> None:
    print(
        f"\n== {variant}: {score.documents} documents, overall F1 "
        f"{summary['overall']['f1']:.4f} (target {TARGETS.get(variant)}), "
        f"urgency acc {summary['urgency_accuracy']:.3f}, specialty acc "
        f"{summary['specialty_accuracy']:.3f}, doc type acc "
        f"{summary['document_type_accuracy']:.3f}"
    )
    print(
        f"   urgency acc when stated {_fmt(summary['urgency_accuracy_stated'])}, specialty acc "
        f"stated {_fmt(summary['specialty_accuracy_stated'])} / implied "
        f"{_fmt(summary['specialty_accuracy_implied'])}, referral count acc "
        f"{_fmt(summary['referral_count_accuracy'])}, under-triage "
        f"{_fmt(summary['under_triage_rate'])} ({summary['under_triaged']}/"
        f"{summary['urgent_truths']}), non-referrals -> referral "
        f"{summary['nonreferrals_as_referrals']}/{summary['nonreferral_documents']}"
    )
    for name, prf in summary["fields"].items():
        print(
            f"  {name:28} P {prf['precision']:.3f}  R {prf['recall']:.3f}  "
            f"F1 {prf['f1']:.3f}  (tp {prf['tp']}, fp {prf['fp']}, fn {prf['fn']})"
        )
    print("  calibration (confidence bin: predicted fields, share correct)")
    for row in summary["calibration"]:
        print(f"    {row['bin']:10} {row['count']:6d}  {_fmt(row['share_correct'])}")
    for miss in score.mismatches[:mismatches]:
        print("   ", miss)


def score_folder(docs: list[Path], results: list[dict[str, Any]]) -> dict[str, Score]:
    """Per-variant scores of pipeline results against the truth beside each document."""
    scores: dict[str, Score] = defaultdict(Score)
    for doc, result in zip(docs, results, strict=True):
        truth = load_truth(doc)
        score_document(result, truth, scores[truth.get("variant", "digital")])
    return scores


def report(scores: dict[str, Score], name: str, mismatches: int) -> dict[str, Any]:
    """Print each variant's tables; return the JSON summary."""
    out: dict[str, Any] = {"set": name, "documents": 0, "variants": {}}
    for variant, score in sorted(scores.items()):
        summary = score.report()
        summary["target_f1"] = TARGETS.get(variant)
        out["variants"][variant] = summary
        out["documents"] += score.documents
        _print_variant(variant, score, summary, mismatches)
    return out


def _side_by_side(reports: dict[str, dict[str, Any]]) -> None:
    """One line per variant: own / held-out (/ held-out 2) for the headline numbers."""
    columns = {
        "overall_f1": "F1",
        "urgency_accuracy": "urgency",
        "specialty_accuracy_stated": "specialty stated",
        "specialty_accuracy_implied": "specialty implied",
        "referral_count_accuracy": "referral count",
        "under_triage_rate": "under-triage",
    }
    width = 8 * len(reports) + 3
    print(
        "\n== "
        + " / ".join(reports)
        + "\n  "
        + f"{'variant':11}"
        + "".join(f"{c:>{width}}" for c in columns.values())
    )
    for variant in sorted(set().union(*(rep["variants"] for rep in reports.values()))):
        cells = []
        for key in columns:
            pair = []
            for rep in reports.values():
                v = rep["variants"].get(variant)
                value = None if v is None else v["overall"]["f1"] if key == "overall_f1" else v[key]
                pair.append(_fmt(value))
            cells.append(f"{' / '.join(pair):>{width}}")
        print(f"  {variant:11}" + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 always (targets are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--variants", help="default: the set's own variants")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--set", dest="which", choices=["own", "heldout", "heldout2", "both", "all"], default="own"
    )
    parser.add_argument("--folder", type=Path, help="score an existing folder instead")
    parser.add_argument("--mismatches", type=int, default=0, help="print this many errors")
    args = parser.parse_args(argv)
    if args.mismatches and args.which != "own":
        parser.error("--mismatches is refused for the held-out set: only its scores are shown")
    if args.folder and args.which in SETS:
        parser.error("--folder scores one set; use --set own, heldout or heldout2 with it")
    names = SETS.get(args.which, [args.which])
    folders = {
        name: args.folder
        or generated_set(args.count, args.seed, args.variants or DEFAULT_VARIANTS[name], name)
        for name in names
    }
    docs = {name: documents(folder) for name, folder in folders.items()}
    paths = [str(d) for name in names for d in docs[name]]
    with ProcessPoolExecutor(args.workers, initializer=_init) as pool:
        results = list(pool.map(_run, paths))
    reports, start = {}, 0
    for name in names:
        n = len(docs[name])
        if len(names) > 1:
            print(f"\n######## {name} set")
        scores = score_folder(docs[name], results[start : start + n])
        reports[name] = report(scores, name, args.mismatches)
        start += n
    if len(names) > 1:
        _side_by_side(reports)
        print(json.dumps(reports))
    else:
        print(json.dumps(reports[names[0]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
