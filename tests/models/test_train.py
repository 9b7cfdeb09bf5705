"""Training, saving with skops and loading back a model on the fixture; the decision as a
scikit-learn estimator."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from core.records import ClassifyInput
from models import artefacts as store
from models.analysis import TextAnalyser
from models.corpus import Example
from models.decision import NarrativeDecision
from models.predict import NarrativeClassifier
from models.train import train


def test_artefacts_are_skops_files_needing_exactly_the_trusted_types(
    small_model_dir: Path,
) -> None:
    path = small_model_dir / store.MODEL_FILE
    assert zipfile.is_zipfile(path)  # skops format, not a pickle stream
    # The list of trusted types is exactly what a fitted model needs: no more, no less.
    assert set(sio.get_untrusted_types(file=path)) == store.TRUSTED_TYPES
    bundle = store.load(small_model_dir)
    assert bundle.version.startswith("kiemchung-narrative-")
    assert bundle.metadata["provisional"] is True


def test_a_foreign_type_in_the_file_is_refused(tmp_path: Path, small_model_dir: Path) -> None:
    from sklearn.preprocessing import FunctionTransformer

    shutil.copy(small_model_dir / store.META_FILE, tmp_path / store.META_FILE)
    sio.dump({"decision": store.load(small_model_dir).decision,
              "extra": FunctionTransformer(json.loads)}, tmp_path / store.MODEL_FILE)
    with pytest.raises(ValueError, match="do not load"):
        store.load(tmp_path)


def test_a_file_saved_by_another_scikit_learn_version_is_refused(
    tmp_path: Path, small_model_dir: Path
) -> None:
    shutil.copy(small_model_dir / store.MODEL_FILE, tmp_path / store.MODEL_FILE)
    metadata = json.loads((small_model_dir / store.META_FILE).read_text("utf-8"))
    metadata["sklearn_version"] = "0.24.2"
    (tmp_path / store.META_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ValueError, match="scikit-learn 0.24.2"):
        store.load(tmp_path)


def test_same_data_gives_the_same_version(fixture_examples: list[Example],
                                          small_model_dir: Path) -> None:
    again = train(fixture_examples, log=lambda _msg: None, eval_dir=None)
    assert again.artefacts.version == store.load(small_model_dir).version


def test_fixture_model_learns_its_training_data(
    fixture_examples: list[Example], small_model_dir: Path
) -> None:
    classifier = NarrativeClassifier.load(small_model_dir, known_claims=None)
    predictions = classifier.classify(
        [ClassifyInput(id=e.id, text=e.text) for e in fixture_examples]
    )
    right = sum(p.classification.label == e.label
                for p, e in zip(predictions, fixture_examples, strict=True))
    assert right / len(fixture_examples) > 0.8


def test_the_decision_is_a_scikit_learn_estimator(fixture_examples: list[Example]) -> None:
    decision = NarrativeDecision(narrative_C=0.5, flag_threshold=0.7)
    assert decision.get_params()["narrative_C"] == 0.5
    copy = clone(decision).set_params(flag_threshold=0.3)
    assert copy.flag_threshold == 0.3 and decision.flag_threshold == 0.7
    # Items in, labels out, inside a Pipeline with the analyser in front.
    pipeline = Pipeline([("analyse", TextAnalyser(known_claims=None)), ("decide", decision)])
    pipeline.fit(fixture_examples, [e.label for e in fixture_examples])
    labels = pipeline.predict(fixture_examples)
    assert len(labels) == len(fixture_examples)
    assert sum(a == e.label for a, e in zip(labels, fixture_examples, strict=True)) > 0.8 * len(
        fixture_examples)
    proba = pipeline.predict_proba(fixture_examples[:5])
    assert proba.shape == (5, len(pipeline.classes_))
    assert abs(proba.sum(axis=1) - 1.0).max() < 1e-6
