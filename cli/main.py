"""The ``kiemchung`` command: one sub-command per module in this package."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from core.settings import SettingsError

#: Modules of ``cli`` that each define ``register(subparsers)``; their order is the help's.
COMMAND_MODULES: tuple[str, ...] = (
    "cli.demo",
    "cli.crawl",
    "cli.extract",
    "cli.classify",
    "cli.train",
    "cli.evaluate",
    "cli.run",
    "cli.watch",
    "cli.serve",
    "cli.runs",
    "cli.search",
    "cli.review",
    "cli.users",
    "cli.report",
    "cli.export",
    "cli.index",
    "cli.config",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiemchung",
        description=(
            "Kiểm Chứng: theo dõi tin sai lệch về môi trường và năng lượng "
            "(misinformation monitoring for Vietnamese environment and energy news)."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that command is not part of this build yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except SettingsError as exc:
        print(f"kiemchung: cấu hình sai (bad setting): {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kiemchung: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
