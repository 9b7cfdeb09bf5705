"""Which classifier the nightly run uses: the shipped one, or one the retraining flow promoted.

Promoted models live under ``data_dir/models/<version>/``; the file ``data_dir/models/ACTIVE``
names the one in use. Switching is a rename of that one small file, so a run never sees half a
model, and the previous versions stay on disk to go back to.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.settings import Settings

MODEL_FILE = "classifier.skops"


def models_root(settings: Settings) -> Path:
    return settings.data_dir / "models"


def active_model_dir(settings: Settings) -> Path | None:
    """The promoted model's directory, or ``None`` for the model shipped with the package."""
    pointer = models_root(settings) / "ACTIVE"
    if not pointer.exists():
        return None
    directory = models_root(settings) / pointer.read_text(encoding="utf-8").strip()
    return directory if (directory / MODEL_FILE).exists() else None


def activate(settings: Settings, directory: Path) -> None:
    """Make the model in ``directory`` (under ``models_root``) the one in use."""
    root = models_root(settings)
    if directory.parent.resolve() != root.resolve():
        raise ValueError(f"{directory} is not under {root}")
    pointer = root / "ACTIVE"
    partial = root / "ACTIVE.partial"
    partial.write_text(directory.name, encoding="utf-8")
    os.replace(partial, pointer)
