"""Training: the decision fitted on the corpus's training split, calibrated on held-out real text.

1. Hyper-parameters: the estimator's defaults, the parameters given (a retrain reuses the model
   in use's), or a fresh grouped cross-validated search on the training split
   (``models/search.py``).
2. Fit on the training split (story groups of the test split never seen).
3. Calibrate on the real development sets (``../shared/eval``) when they are there, and choose
   there, by cross-validation, the base rate assumed for social posts and imports
   (``real_eval.choose_post_prior``);
   otherwise the out-of-fold calibration on the corpus and the assumed base rates stay, and the
   metadata says so.

Nothing here measures: ``models/evaluate.py`` does, through the same path as production, and
the model card carries exactly what it prints.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sklearn

import models
from models import real_eval
from models import search as search_module
from models.analysis import TextAnalyser
from models.artefacts import Artefacts
from models.corpus import Example, corpus_digest
from models.decision import NarrativeDecision, hard_case_weights
from models.predict import NarrativeClassifier
from models.thresholds import HARD_CASE_WEIGHTS, KIND_PREVALENCE

MODEL_NAME = "kiemchung-narrative"
#: Parameters recorded in the metadata, and reused by a retrain: the searched ones and the gate's.
SEARCHED = (*search_module.SEARCHED, "relevance_C")


@dataclass
class TrainingResult:
    artefacts: Artefacts
    #: The search's table of candidates (empty when no search ran).
    search_table: list[dict[str, Any]] = field(default_factory=list)


def _model_digest(decision: NarrativeDecision) -> str:
    """A short hash of the fitted parameters: the same data and code give the same version,
    and any change of features, settings, calibration or code that changes the model changes
    it."""
    digest = hashlib.sha256(json.dumps(decision.calibration_, sort_keys=True).encode())
    digest.update(json.dumps({k: decision.get_params()[k] for k in SEARCHED},
                             sort_keys=True).encode())
    digest.update(json.dumps(decision.kind_prevalence, sort_keys=True).encode())
    for name in ("word", "char"):
        digest.update("\n".join(sorted(decision.vectorizers_[name].vocabulary_)).encode())
    for linear in (decision.relevance_, decision.narrative_svm_, decision.misleading_svm_):
        digest.update(np.ascontiguousarray(linear.coef_).tobytes())
        digest.update(np.ascontiguousarray(linear.intercept_).tobytes())
    return digest.hexdigest()[:8]


def train(
    examples: Sequence[Example],
    *,
    log: Callable[[str], object] = print,
    params: dict[str, Any] | None = None,
    run_search: bool = False,
    eval_dir: Path | None = real_eval.EVAL_DIR,
) -> TrainingResult:
    """Fit on the training split of ``examples`` (see the module docstring)."""
    from models.search import search

    fit_ex = [e for e in examples if e.split == "train"]
    held = sum(e.split == "test" for e in examples)
    log(f"examples: train {len(fit_ex)}, test {held} (story groups kept whole)")
    views = TextAnalyser(known_claims=None).transform(fit_ex)
    table: list[dict[str, Any]] = []
    chosen = dict(params or {})
    if run_search:
        chosen, table = search(fit_ex, views, log=log)
    decision = NarrativeDecision(**chosen)
    decision.fit(views, [e.label for e in fit_ex],
                 sample_weight=hard_case_weights([e.hard_case for e in fit_ex],
                                                 HARD_CASE_WEIGHTS))
    if eval_dir is not None and real_eval.available(eval_dir):
        items = real_eval.load(eval_dir)
        classifier = NarrativeClassifier(decision, "unsaved")
        real_views = real_eval.analyse(classifier, items)
        real_eval.calibrate(classifier, items, real_views)
        log(f"calibrated on {eval_dir}: {decision.calibration_}")
        prior = real_eval.choose_post_prior(classifier, items, real_views)
        log(f"base rate of social posts and imports chosen by cross-validation on {eval_dir}: "
            f"{prior}")
    else:
        log("no real development sets: the corpus's out-of-fold calibration stays")

    digest = corpus_digest(fit_ex)
    model = _model_digest(decision)
    counts = Counter(e.label for e in examples)
    metadata: dict[str, Any] = {
        "name": MODEL_NAME,
        "version": f"{MODEL_NAME}-{models.__version__}+{digest}.{model}",
        "sklearn_version": sklearn.__version__,
        "params": {k: decision.get_params()[k] for k in SEARCHED},
        "searched": run_search,
        "calibration": dict(decision.calibration_),
        "kind_prevalence": dict(decision.kind_prevalence or KIND_PREVALENCE),
        "hard_case_weights": HARD_CASE_WEIGHTS,
        "train_examples": len(fit_ex),
        "test_examples": held,
        "story_groups": len({e.story for e in examples}),
        "label_counts": dict(sorted(counts.items())),
        "style_counts": dict(sorted(Counter(e.style or "?" for e in examples).items())),
        "hard_case_counts": dict(
            sorted(Counter(e.hard_case or "none" for e in examples).items())
        ),
        "provisional": any(e.id.startswith("fx-") for e in examples) or min(counts.values()) < 120
        or len(counts) < 10,
        "data_digest": digest,
        "model_digest": model,
    }
    return TrainingResult(Artefacts(decision, metadata), table)
