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


@pytest.mark.parametrize("text_model", ["logreg", "sgd"])
def test_every_searched_text_model_saves_and_loads_with_the_trusted_types(
    text_model: str, fixture_examples: list[Example], tmp_path: Path
) -> None:
    result = train(fixture_examples, log=lambda _msg: None, eval_dir=None,
                   params={"text_model": text_model, "char_ngrams": (3, 5), "min_df": 1})
    store.save(result.artefacts, tmp_path)
    assert set(sio.get_untrusted_types(file=tmp_path / store.MODEL_FILE)) == store.TRUSTED_TYPES
    classifier = NarrativeClassifier.load(tmp_path)
    assert classifier.decision.get_params()["text_model"] == text_model
    assert type(classifier.decision.misleading_svm_).__name__ == {
        "logreg": "LogisticRegression", "sgd": "SGDClassifier"}[text_model]
    assert classifier.decision.vectorizers_["char"].ngram_range == (3, 5)
    wrong = sum(p.classification.label != e.label for p, e in zip(
        classifier.classify([ClassifyInput(id=e.id, text=e.text) for e in fixture_examples]),
        fixture_examples, strict=True))
    assert wrong < 0.2 * len(fixture_examples)


def test_a_model_saved_before_the_searched_feature_settings_loads_as_it_was_fitted(
    small_model_dir: Path,
) -> None:
    decision = store.load(small_model_dir).decision
    state = decision.__getstate__()
    for name in ("text_model", "class_weight", "char_ngrams", "min_df", "sublinear_tf"):
        state.pop(name)
    old = NarrativeDecision.__new__(NarrativeDecision)
    old.__setstate__(state)
    assert old.get_params()["char_ngrams"] == (2, 4) and old.text_model == "svm"
    assert clone(old).get_params() == old.get_params()


def test_an_unknown_text_model_is_refused(fixture_examples: list[Example]) -> None:
    with pytest.raises(ValueError, match="text_model"):
        train(fixture_examples, log=lambda _msg: None, eval_dir=None,
              params={"text_model": "forest"})


def test_the_search_scores_each_candidate_once_and_keeps_the_best(
    fixture_examples: list[Example],
) -> None:
    from models.search import acceptable, search

    views = TextAnalyser(known_claims=None).transform(fixture_examples)
    stages = [("C", [{"narrative_C": 0.01}, {"narrative_C": 1.0}]),
              ("again", [{"narrative_C": 1.0}])]
    best, table = search(fixture_examples, views, log=lambda _msg: None, stages=stages, folds=2)
    assert len(table) == 2  # the repeated candidate is not fitted again
    pool = [row for row in table if acceptable(row)] or table
    scores = {row["narrative_C"]: row["flag_f1"] + row["macro_f1"] for row in pool}
    assert best["narrative_C"] == max(scores, key=scores.__getitem__)
    assert [row["chosen"] for row in table].count(True) == 1
