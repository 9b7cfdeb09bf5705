"""``kiemchung classify INPUT|-``: JSON Lines in, one JSON line out per input line, in order."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from core.records import ClassifyInput
from core.settings import load_settings

#: Lines are classified in batches: one pipeline pass per batch, output still line by line.
BATCH_SIZE = 256


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "classify", help="phân loại tin (classify JSON Lines items; no server, no network)"
    )
    parser.add_argument("input", help="JSON Lines file of {id, text, title?}, or - for stdin")
    parser.add_argument("--artefacts", type=Path, default=None,
                        help="artefact directory (default: the model in use)")
    parser.set_defaults(handler=run)


def _parse(line: str) -> tuple[ClassifyInput | None, dict[str, Any] | None]:
    """The input of one line, or the error line to print for it."""
    raw: Any = None
    try:
        raw = json.loads(line)
        if not isinstance(raw, dict):
            raise ValueError("a line must be a JSON object")
        return ClassifyInput.model_validate(raw), None
    except (ValueError, ValidationError) as exc:
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if item_id is not None and not isinstance(item_id, str | int):
            item_id = None
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = f"trường không hợp lệ (invalid field) {where}: {first['msg']}"
        elif isinstance(exc, json.JSONDecodeError):
            message = f"JSON không hợp lệ (invalid JSON): {exc.msg}"
        else:
            message = str(exc)
        return None, {"id": item_id, "error": message}


def _batches(lines: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        batch.append(line)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_stream(lines: Iterable[str], out: IO[str], artefacts: Path | None,
                    flag_threshold: float) -> int:
    """Classify every line, write the results; return the number of failed lines."""
    from models.predict import NarrativeClassifier

    classifier = NarrativeClassifier.load(artefacts, flag_threshold=flag_threshold)
    failures = 0
    for batch in _batches(lines):
        parsed = [_parse(line) for line in batch]
        inputs = [item for item, _ in parsed if item is not None]
        predictions = iter(classifier.classify(inputs))
        for item, error in parsed:
            if item is None:
                failures += 1
                out.write(json.dumps(error, ensure_ascii=False) + "\n")
                continue
            result = {"id": item.id, **next(predictions).classification.model_dump()}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return failures


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    from models.registry import active_model_dir

    artefacts = args.artefacts or active_model_dir(settings)
    if args.input == "-":
        failures = classify_stream(sys.stdin, sys.stdout, artefacts, settings.flag_threshold)
    else:
        path = Path(args.input)
        if not path.exists():
            print(f"kiemchung classify: không thấy tệp (no such file) {path}", file=sys.stderr)
            return 2
        with path.open(encoding="utf-8") as handle:
            failures = classify_stream(handle, sys.stdout, artefacts, settings.flag_threshold)
    return 1 if failures else 0
