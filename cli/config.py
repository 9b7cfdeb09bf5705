"""``kiemchung config``: show every setting, its current value and where it comes from."""

from __future__ import annotations

import argparse
from dataclasses import fields

from core.settings import ENV_PREFIX, load_settings

_SECRET_WORDS = ("password", "token", "key", "secret")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="xem cấu hình (show the settings in force)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    for spec in fields(settings):
        value = getattr(settings, spec.name)
        if value and any(word in spec.name for word in _SECRET_WORDS):
            value = "***"
        print(f"{ENV_PREFIX}{spec.name.upper():<28} {value}")
    return 0
