"""Fixtures of the models tests: the hand-written examples and a small model trained on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import artefacts as store
from models.corpus import Example, read_examples
from models.predict import NarrativeClassifier
from models.train import train

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixture_examples() -> list[Example]:
    return read_examples(FIXTURES / "examples.jsonl")


@pytest.fixture(scope="session")
def small_model_dir(tmp_path_factory: pytest.TempPathFactory,
                    fixture_examples: list[Example]) -> Path:
    """A model trained on the fixture alone, saved like the real one (a few seconds)."""
    directory = tmp_path_factory.mktemp("artefacts")
    result = train(fixture_examples, log=lambda _msg: None, eval_dir=None)
    store.save(result.artefacts, directory)
    return directory


@pytest.fixture(scope="session")
def shipped() -> NarrativeClassifier:
    """The classifier committed under models/artefacts, as the product loads it."""
    return NarrativeClassifier.load()
