"""``kiemchung evaluate``: the model in use on the real development sets (when present), the
corpus's grouped test split, the fresh held-out set and the former challenge set, with 95%
intervals. The model card carries exactly this report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.settings import load_settings

if TYPE_CHECKING:
    from models.predict import NarrativeClassifier
    from models.real_eval import RealItem


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="đánh giá bộ phân loại (evaluate the classifier, with 95% intervals)"
    )
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory")
    parser.add_argument("--artefacts", type=Path, default=None,
                        help="artefact directory (default: the model in use)")
    parser.add_argument("--reports", type=Path, default=None, help="report directory")
    parser.add_argument("--eval-dir", type=Path, default=None,
                        help="real development sets (default ../shared/eval)")
    parser.add_argument("--heldout", type=Path, default=None,
                        help="fresh held-out set (default models/data/heldout/heldout.jsonl)")
    parser.add_argument(
        "--challenge", type=Path, default=None,
        help="former challenge set (default models/data/challenge/challenge.jsonl)",
    )
    parser.add_argument("--no-challenge", action="store_true", help="skip the challenge set")
    parser.add_argument(
        "--second-set", type=Path, default=None, metavar="DIR",
        help="also measure on a second real set read once (rumours.jsonl, social_ok.jsonl: "
             "see models/second_eval.py); printed only, never written to the report or card",
    )
    parser.add_argument(
        "--write-card", action="store_true",
        help="rewrite model_card.md and metrics.json of the evaluated artefacts with this report",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    from models import real_eval, registry
    from models.corpus import CORPUS_DIR, BadLine, by_split, load_corpus
    from models.evaluate import (
        CHALLENGE_FILE,
        HELDOUT_FILE,
        REPORT_DIR,
        evaluate_all,
        format_all,
        write_report,
    )
    from models.predict import NarrativeClassifier

    second_set = _read_second_set(args.second_set) if args.second_set is not None else None
    if second_set == []:
        return 2  # said why; read before the long evaluation, not after it
    bad: list[BadLine] = []
    examples = by_split(load_corpus(args.corpus or CORPUS_DIR, (), bad), args.split)
    for line in bad:
        print(f"bỏ qua (skipped) {line.path}:{line.line}: {line.reason}", file=sys.stderr)
    if not examples:
        print(f"kiemchung evaluate: split {args.split} is empty", file=sys.stderr)
        return 1
    classifier = NarrativeClassifier.load(
        args.artefacts or registry.active_model_dir(settings),
        flag_threshold=settings.flag_threshold,
    )
    eval_dir = args.eval_dir or real_eval.EVAL_DIR
    if not real_eval.available(eval_dir):
        print(f"kiemchung evaluate: no real development sets at {eval_dir}", file=sys.stderr)
    report = evaluate_all(
        classifier, examples, args.split, eval_dir=eval_dir,
        heldout_file=args.heldout or HELDOUT_FILE,
        challenge_file=None if args.no_challenge else (args.challenge or CHALLENGE_FILE),
    )
    path = write_report(report, args.reports or REPORT_DIR)
    evaluation = format_all(report)
    if args.write_card:
        _write_card(args.artefacts or registry.model_dir(settings), report, evaluation)
    print(evaluation)
    print(f"report: {path} (+ .json)")
    if second_set:
        _print_second_set(classifier, args.second_set, second_set)
    return 0


def _read_second_set(directory: Path) -> list[RealItem]:
    """The second set's items; an empty list after saying why when there are none to read."""
    from models import second_eval

    try:
        items = second_eval.load(directory)
    except second_eval.BadSecondSet as exc:
        print(f"kiemchung evaluate: {exc}", file=sys.stderr)
        return []
    if not items:
        print(f"kiemchung evaluate: nothing to read in {directory} (expected "
              f"{second_eval.RUMOURS_FILE} or {second_eval.POSTS_FILE})", file=sys.stderr)
    return items


def _print_second_set(
    classifier: NarrativeClassifier, directory: Path, items: list[RealItem]
) -> None:
    from models import second_eval

    report = second_eval.evaluate(classifier, items)
    print(second_eval.format_report(report, directory))
    for error in report["errors"]:
        print(f"  {error['id']}: gold {error['gold']}, model {error['label']} "
              f"{error['score']:.2f}{' flagged' if error['flagged'] else ''}")


def _write_card(directory: Path, report: dict[str, Any], evaluation: str) -> None:
    """The model card and metrics of ``directory`` from this very report (the search table of
    the training run is kept)."""
    from models import artefacts as store
    from models import model_card

    metrics_path = directory / "metrics.json"
    previous: dict[str, Any] = (
        json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    )
    search = list(previous.get("search") or [])
    metrics_path.write_text(json.dumps({"search": search, **report}, ensure_ascii=False, indent=2)
                            + "\n", encoding="utf-8")
    model_card.write(directory / "model_card.md", store.load(directory).metadata, search,
                     evaluation)
