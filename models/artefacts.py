"""Saving and loading the classifier artefacts with skops (never pickle), with their metadata."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ARTEFACT_DIR: Final[Path] = Path(__file__).resolve().parent / "artefacts"
MODEL_FILE: Final[str] = "classifier.skops"
META_FILE: Final[str] = "metadata.json"

#: Only types from these modules may be loaded from a skops file: the estimators we save and the
#: containers they hold. Anything else in a file means it is not ours, and loading stops.
_TRUSTED_PREFIXES: Final[tuple[str, ...]] = ("sklearn.", "numpy.", "scipy.", "builtins.")


@dataclass
class Artefacts:
    """The fitted pieces of the classifier and what is known about them."""

    vectorizers: dict[str, TfidfVectorizer]
    relevance: LogisticRegression
    narrative: CalibratedClassifierCV
    misleading: CalibratedClassifierCV
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


def save(artefacts: Artefacts, directory: Path = ARTEFACT_DIR) -> Path:
    """Write ``classifier.skops`` and ``metadata.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    bundle = {
        "word": artefacts.vectorizers["word"],
        "char": artefacts.vectorizers["char"],
        "relevance": artefacts.relevance,
        "narrative": artefacts.narrative,
        "misleading": artefacts.misleading,
    }
    path = directory / MODEL_FILE
    sio.dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    (directory / META_FILE).write_text(
        json.dumps(artefacts.metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def load(directory: Path = ARTEFACT_DIR) -> Artefacts:
    """Read the artefacts back; raises ``FileNotFoundError`` or ``ValueError`` with the reason."""
    path = directory / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"no classifier at {path}; run `kiemchung train` first")
    untrusted = sio.get_untrusted_types(file=path)
    foreign = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if foreign:
        raise ValueError(f"{path} holds types we do not load: {', '.join(sorted(foreign))}")
    bundle = sio.load(path, trusted=untrusted)
    metadata = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    return Artefacts(
        vectorizers={"word": bundle["word"], "char": bundle["char"]},
        relevance=bundle["relevance"],
        narrative=bundle["narrative"],
        misleading=bundle["misleading"],
        metadata=metadata,
    )
