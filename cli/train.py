"""``kiemchung train``: fit the relevance gate and narrative classifier, write the artefacts."""

from __future__ import annotations

import argparse
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    load_settings()  # fail early on a bad setting, like every command
    from models import artefacts as store
    from models import model_card
    from models.corpus import CORPUS_DIR, BadLine, load_corpus, read_verdicts
    from models.train import train, write_metrics

    bad: list[BadLine] = []
    examples = load_corpus(args.corpus or CORPUS_DIR, args.extra, bad)
    if args.with_verdicts:
        examples += read_verdicts(args.with_verdicts, bad)
    for line in bad:
        print(f"bỏ qua (skipped) {line.path}:{line.line}: {line.reason}", file=sys.stderr)
    if not examples:
        print("kiemchung train: không có dữ liệu (no examples)", file=sys.stderr)
        return 1
    result = train(examples, log=lambda msg: print(msg, file=sys.stderr))
    directory = args.output or store.ARTEFACT_DIR
    store.save(result.artefacts, directory)
    write_metrics(result, directory)
    model_card.write(
        directory / "model_card.md", result.artefacts.metadata, result.cv_metrics,
        result.test_metrics,
    )
    print(f"version {result.artefacts.version} -> {directory}")
    test = result.test_metrics
    if test:
        print(f"test: flag F1 {test['flag_f1']:.3f}, macro-F1 {test['macro_f1_misleading']:.3f}"
              f", opinion flagged {test['opinion_flagged_share']}"
              f", debunks flagged {test['debunk_flagged_share']}")
    return 0
