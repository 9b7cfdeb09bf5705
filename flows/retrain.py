"""Retraining on Prefect: gather reviewer verdicts, train, measure both models on the same
held-out items (the corpus's grouped test split, plus the real development sets when present),
and promote the new model only when it is better beyond the bootstrap interval and worse on
nothing (``models/promotion.py``); report both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from core.clock import now_utc
from core.labels import is_misleading
from core.settings import Settings, load_settings
from index.factory import open_store
from index.query import ReviewStatus, SearchQuery
from models.registry import activate, active_metadata, active_model_dir, models_root

#: Verdicts that say what an item is; "needs an expert" and "duplicate" do not.
TRAINING_STATUSES: tuple[ReviewStatus, ...] = ("confirmed", "not_misleading")


def verdict_example(stored: Any) -> dict[str, str] | None:
    """A training line from a reviewed item, or ``None`` when the verdict teaches nothing.

    A confirmed item takes the reviewer's label (or the model's, when misleading); an item
    judged not misleading takes the reviewer's label or ``none``. "Needs an expert" and
    "duplicate" are not labels.
    """
    verdict, indexed = stored.verdict, stored.indexed
    if verdict is None or not (indexed.item.text or indexed.item.title):
        return None
    if verdict.verdict == "confirmed":
        label = verdict.label or indexed.classification.label
        if not is_misleading(label):
            return None
    elif verdict.verdict == "not_misleading":
        label = verdict.label if verdict.label and not is_misleading(verdict.label) else "none"
    else:
        return None
    return {"text": indexed.item.text, "title": indexed.item.title, "label": label}


@task(name="gather-verdicts", cache_policy=NO_CACHE)
def gather_verdicts(settings: Settings, out: Path) -> int:
    """Write every usable reviewer verdict as ``{text, title, label}`` lines; returns how many."""
    store = open_store(settings)
    written = 0
    try:
        with out.open("w", encoding="utf-8") as handle:
            for status in TRAINING_STATUSES:
                for stored in store.scan(SearchQuery(review_status=status, sort="recency")):
                    line = verdict_example(stored)
                    if line:
                        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                        written += 1
    finally:
        store.close()
    return written


@task(name="train-candidate", cache_policy=NO_CACHE)
def train_candidate(
    verdicts: Path, corpus_dir: Path | None, out: Path, params: dict[str, Any]
) -> str:
    """Train on the corpus plus the verdicts with the parameters of the model in use (no new
    search: a nightly retrain must not drift its hyper-parameters); save in ``out``."""
    from models import artefacts
    from models.corpus import CORPUS_DIR, load_corpus, read_verdicts
    from models.train import train

    logger = get_run_logger()
    examples = load_corpus(corpus_dir or CORPUS_DIR) + read_verdicts(verdicts)
    result = train(examples, log=logger.info, params=params)
    artefacts.save(result.artefacts, out)
    return result.artefacts.version


@task(name="compare-models", cache_policy=NO_CACHE)
def compare_models(
    current_dir: Path | None, candidate_dir: Path, corpus_dir: Path | None
) -> dict[str, Any]:
    """Both models on the corpus's fixed grouped test split (corpus examples only: verdicts
    change from run to run, the test split must not) and the real development sets."""
    from models import promotion, real_eval
    from models.corpus import CORPUS_DIR, by_split, load_corpus
    from models.predict import NarrativeClassifier

    test = by_split(load_corpus(corpus_dir or CORPUS_DIR), "test")
    real = real_eval.load() if real_eval.available() else []
    current = promotion.outcomes(NarrativeClassifier.load(current_dir), test, real)
    candidate = promotion.outcomes(NarrativeClassifier.load(candidate_dir), test, real)
    comparison = promotion.compare(current, candidate)
    return {"current_version": current.version, "candidate_version": candidate.version,
            "test_items": len(test), "real_items": len(real), "measures": comparison,
            "promote": promotion.should_promote(comparison)}


@flow(name="kiemchung-retrain", log_prints=True)
def retrain(corpus_dir: str | None = None) -> dict[str, Any]:
    """Train with the reviewers' verdicts; promote the result only if it is better."""
    from models.promotion import comparison_markdown

    settings = load_settings()
    stamp = now_utc().strftime("%Y%m%dT%H%M%S")
    corpus = Path(corpus_dir) if corpus_dir else None
    work = settings.data_dir / "retrain" / stamp
    work.mkdir(parents=True, exist_ok=True)
    verdicts = work / "verdicts.jsonl"
    used = gather_verdicts(settings, verdicts)
    candidate_dir = models_root(settings) / f"model-{stamp}"
    current_dir = active_model_dir(settings)
    train_candidate(verdicts, corpus, candidate_dir,
                    dict(active_metadata(settings).get("params") or {}))
    comparison = compare_models(current_dir, candidate_dir, corpus)
    promoted = bool(comparison["promote"])
    if promoted:
        activate(settings, candidate_dir)
    outcome = {"verdicts": used, "promoted": promoted, **comparison,
               "candidate_dir": str(candidate_dir)}
    (work / "report.json").write_text(json.dumps(outcome, ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    markdown = comparison_markdown(comparison["measures"], comparison["current_version"],
                                   comparison["candidate_version"], promoted, used)
    create_markdown_artifact(key="retrain-report", markdown=markdown,
                             description=f"Retraining {stamp}")
    get_run_logger().info("%s", markdown)
    return outcome
