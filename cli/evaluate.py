"""``kiemchung evaluate``: per-label scores, flag F1 and false-flag rates on the test split, then
the same on the held-out challenge set (never trained or tuned on)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="đánh giá bộ phân loại (evaluate the classifier on the test split)"
    )
    parser.add_argument("--split", choices=("test", "dev", "train"), default="test")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory")
    parser.add_argument("--artefacts", type=Path, default=None, help="artefact directory")
    parser.add_argument("--reports", type=Path, default=None, help="report directory")
    parser.add_argument(
        "--challenge", type=Path, default=None,
        help="held-out challenge set (default models/data/challenge/challenge.jsonl); "
        "reported on, never trained or tuned on",
    )
    parser.add_argument("--no-challenge", action="store_true", help="skip the challenge set")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    from models.corpus import CORPUS_DIR, BadLine, by_split, load_corpus
    from models.evaluate import (
        CHALLENGE_FILE,
        CHALLENGE_TITLE,
        REPORT_DIR,
        evaluate,
        load_challenge,
        write_report,
    )
    from models.metrics import format_heldout, format_report
    from models.predict import NarrativeClassifier

    bad: list[BadLine] = []
    examples = by_split(load_corpus(args.corpus or CORPUS_DIR, (), bad), args.split)
    for line in bad:
        print(f"bỏ qua (skipped) {line.path}:{line.line}: {line.reason}", file=sys.stderr)
    if not examples:
        print(f"kiemchung evaluate: split {args.split} is empty", file=sys.stderr)
        return 1
    classifier = NarrativeClassifier.load(args.artefacts, flag_threshold=settings.flag_threshold)
    metrics = evaluate(classifier, examples)
    challenge = None
    if not args.no_challenge:
        held_bad: list[BadLine] = []
        held = load_challenge(args.challenge or CHALLENGE_FILE, held_bad)
        for line in held_bad:
            print(f"bỏ qua (skipped) {line.path}:{line.line}: {line.reason}", file=sys.stderr)
        if held:
            challenge = evaluate(classifier, held, heldout=True)
        else:
            print(f"kiemchung evaluate: no challenge set at {args.challenge or CHALLENGE_FILE}",
                  file=sys.stderr)
    path = write_report(metrics, args.split, args.reports or REPORT_DIR, challenge)
    print(format_report(metrics, f"{classifier.version} — {args.split} split"))
    if challenge is not None:
        print(format_heldout(challenge, f"{classifier.version} — {CHALLENGE_TITLE}"))
    print(f"report: {path} (+ .json)")
    return 0
