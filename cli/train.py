"""``kiemchung train``: fit the classifier, write the artefacts, evaluate them, write the card."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="huấn luyện bộ phân loại (train the classifiers on the labelled corpus)"
    )
    parser.add_argument(
        "--with-verdicts", type=Path, metavar="FILE",
        help="JSON Lines of reviewer verdicts {text, title, label} exported from the index",
    )
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory")
    parser.add_argument(
        "--extra", type=Path, action="append", default=[], help="more JSON Lines examples"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="artefact directory (default models/artefacts)"
    )
    parser.add_argument(
        "--search", action="store_true",
        help="run the hyper-parameter search (models/search.py) first; slow",
    )
    parser.add_argument(
        "--eval-dir", type=Path, default=None,
        help="real development sets to calibrate on and report (default ../shared/eval)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    load_settings()  # fail early on a bad setting, like every command
    from models import artefacts as store
    from models import model_card, real_eval
    from models.corpus import CORPUS_DIR, BadLine, by_split, load_corpus, read_verdicts
    from models.evaluate import evaluate_all, format_all
    from models.predict import NarrativeClassifier
    from models.train import train

    bad: list[BadLine] = []
    examples = load_corpus(args.corpus or CORPUS_DIR, args.extra, bad)
    if args.with_verdicts:
        examples += read_verdicts(args.with_verdicts, bad)
    for line in bad:
        print(f"bỏ qua (skipped) {line.path}:{line.line}: {line.reason}", file=sys.stderr)
    if not examples:
        print("kiemchung train: không có dữ liệu (no examples)", file=sys.stderr)
        return 1
    eval_dir = args.eval_dir or real_eval.EVAL_DIR
    result = train(examples, log=lambda msg: print(msg, file=sys.stderr),
                   run_search=args.search, eval_dir=eval_dir)
    directory = args.output or store.ARTEFACT_DIR
    store.save(result.artefacts, directory)
    # Measured on the artefacts as saved, through the path ``kiemchung evaluate`` takes; the
    # held-out set is left to ``kiemchung evaluate`` (nothing else reads it: its README).
    classifier = NarrativeClassifier.load(directory)
    report = evaluate_all(classifier, by_split(examples, "test"), "test", eval_dir=eval_dir,
                          heldout_file=None)
    evaluation = format_all(report)
    (directory / "metrics.json").write_text(
        json.dumps({"search": result.search_table, **report}, ensure_ascii=False, indent=2)
        + "\n", encoding="utf-8",
    )
    model_card.write(directory / "model_card.md", result.artefacts.metadata,
                     result.search_table, evaluation)
    print(evaluation)
    print(f"version {result.artefacts.version} -> {directory}")
    return 0
