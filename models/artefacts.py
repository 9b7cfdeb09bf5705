"""Saving and loading the classifier artefacts with skops (never pickle), with their metadata.

Loading trusts exactly the types the classifier is made of (``TRUSTED_TYPES``) and refuses a
file holding anything else, and it refuses a file saved by another scikit-learn minor version
(fitted estimators are not guaranteed to behave the same across versions).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import sklearn
import skops.io as sio

from models.decision import NarrativeDecision

ARTEFACT_DIR: Final[Path] = Path(__file__).resolve().parent / "artefacts"
MODEL_FILE: Final[str] = "classifier.skops"
META_FILE: Final[str] = "metadata.json"

#: Every type skops must be told to trust to load a ``NarrativeDecision``: the estimator itself
#: and the private calibration pieces of scikit-learn it holds (skops trusts public
#: scikit-learn estimators and numpy/scipy containers by itself). A file that needs any other
#: type is not one of ours and is refused; ``tests/models/test_train.py`` checks that a fitted
#: model needs exactly these.
TRUSTED_TYPES: Final[frozenset[str]] = frozenset({
    "models.decision.NarrativeDecision",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
})


@dataclass
class Artefacts:
    """The fitted decision and what is known about it."""

    decision: NarrativeDecision
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


def save(artefacts: Artefacts, directory: Path = ARTEFACT_DIR) -> Path:
    """Write ``classifier.skops`` and ``metadata.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MODEL_FILE
    sio.dump(artefacts.decision, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    metadata = {**artefacts.metadata, "sklearn_version": sklearn.__version__}
    (directory / META_FILE).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load(directory: Path = ARTEFACT_DIR) -> Artefacts:
    """Read the artefacts back; raises ``FileNotFoundError`` or ``ValueError`` with the reason."""
    path = directory / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"no classifier at {path}; run `kiemchung train` first")
    metadata = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    saved_with = str(metadata.get("sklearn_version", "unknown"))
    if _minor(saved_with) != _minor(sklearn.__version__):
        raise ValueError(
            f"{path} was saved with scikit-learn {saved_with} and this is "
            f"{sklearn.__version__}; install scikit-learn {'.'.join(_minor(saved_with))}.x "
            "or retrain with `kiemchung train`"
        )
    untrusted = sio.get_untrusted_types(file=path)
    foreign = sorted(set(untrusted) - TRUSTED_TYPES)
    if foreign:
        raise ValueError(f"{path} holds types we do not load: {', '.join(foreign)}")
    decision = sio.load(path, trusted=sorted(set(untrusted)))
    if not isinstance(decision, NarrativeDecision):
        raise ValueError(f"{path} does not hold a NarrativeDecision")
    return Artefacts(decision=decision, metadata=metadata)
