"""Training, saving with skops and loading back a model on the fixture."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import skops.io as sio

from models import artefacts as store
from models.corpus import Example
from models.features import analyse_texts, item_text
from models.predict import NarrativeClassifier
from models.train import decisions, fit, scores_of


def test_artefacts_are_skops_files_with_only_trusted_types(small_model_dir: Path) -> None:
    path = small_model_dir / store.MODEL_FILE
    assert zipfile.is_zipfile(path)  # skops format, not a pickle stream
    untrusted = sio.get_untrusted_types(file=path)
    assert all(t.startswith(("sklearn.", "numpy.", "scipy.", "builtins.")) for t in untrusted)
    bundle = store.load(small_model_dir)
    assert bundle.version.startswith("kiemchung-narrative-")
    assert bundle.metadata["provisional"] is True


def test_a_foreign_type_in_the_file_is_refused(tmp_path: Path, small_model_dir: Path) -> None:
    import json
    import shutil

    from sklearn.preprocessing import FunctionTransformer

    bundle = store.load(small_model_dir)
    shutil.copy(small_model_dir / store.META_FILE, tmp_path / store.META_FILE)
    sio.dump({"word": bundle.vectorizers["word"], "char": FunctionTransformer(json.loads),
              "relevance": bundle.relevance, "narrative": bundle.narrative,
              "misleading": bundle.misleading},
             tmp_path / store.MODEL_FILE)
    with pytest.raises(ValueError, match="do not load"):
        store.load(tmp_path)


def test_same_data_gives_the_same_version_and_predictions(
    fixture_examples: list[Example], small_model_dir: Path
) -> None:
    views = analyse_texts([item_text(e.text, e.title) for e in fixture_examples])
    first = decisions(scores_of(fit(fixture_examples, views), views), 1.0)
    second = decisions(scores_of(fit(fixture_examples, views), views), 1.0)
    assert first == second


def test_fixture_model_learns_its_training_data(
    fixture_examples: list[Example], small_model_dir: Path
) -> None:
    classifier = NarrativeClassifier.load(small_model_dir, known_claims=None)
    from core.records import ClassifyInput

    predictions = classifier.classify(
        [ClassifyInput(id=e.id, text=e.text) for e in fixture_examples]
    )
    right = sum(p.classification.label == e.label
                for p, e in zip(predictions, fixture_examples, strict=True))
    assert right / len(fixture_examples) > 0.8
