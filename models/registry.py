"""Which classifier is in use: the shipped one, or one the retraining flow promoted.

One registry for every user of the model: ``kiemchung classify`` and ``kiemchung evaluate``, the
nightly run and the review app all ask ``active_model_dir``, so after a promotion they all load
the same model. Promoted models live under ``<data dir>/models/<version>/``; the file
``<data dir>/models/ACTIVE`` names the one in use. Switching is a rename of that one small file,
so a run never sees half a model, and the previous versions stay on disk to go back to.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

from core.settings import Settings
from models.artefacts import ARTEFACT_DIR, META_FILE, MODEL_FILE

POINTER: Final[str] = "ACTIVE"


def models_root(settings: Settings) -> Path:
    return settings.data_dir / "models"


def active_model_dir(settings: Settings) -> Path | None:
    """The promoted model's directory, or ``None`` for the model shipped with the package."""
    pointer = models_root(settings) / POINTER
    if not pointer.exists():
        return None
    directory = models_root(settings) / pointer.read_text(encoding="utf-8").strip()
    return directory if (directory / MODEL_FILE).exists() else None


def model_dir(settings: Settings) -> Path:
    """The directory of the model in use (promoted, else shipped)."""
    return active_model_dir(settings) or ARTEFACT_DIR


def active_metadata(settings: Settings) -> dict[str, Any]:
    """The metadata of the model in use (its version, parameters, calibration); nothing is
    loaded but a small JSON file."""
    return dict(json.loads((model_dir(settings) / META_FILE).read_text(encoding="utf-8")))


def activate(settings: Settings, directory: Path) -> None:
    """Make the model in ``directory`` (under ``models_root``) the one in use."""
    root = models_root(settings)
    if directory.parent.resolve() != root.resolve():
        raise ValueError(f"{directory} is not under {root}")
    pointer = root / POINTER
    partial = root / f"{POINTER}.partial"
    partial.write_text(directory.name, encoding="utf-8")
    os.replace(partial, pointer)
