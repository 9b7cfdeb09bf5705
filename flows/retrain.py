"""Retraining on Prefect: gather reviewer verdicts, train, evaluate on the fixed test split, and
promote the new model only when it is not worse than the one in use; report both."""

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
from flows.model_registry import activate, active_model_dir, models_root
from index.factory import open_store
from index.query import ReviewStatus, SearchQuery

#: Verdicts that say what an item is; "needs an expert" and "duplicate" do not.
TRAINING_STATUSES: tuple[ReviewStatus, ...] = ("confirmed", "not_misleading")
#: The measures a candidate must match or beat, all on the corpus's fixed test split.
COMPARED = ("flag_f1", "macro_f1_misleading")
#: Lower is better for these; a candidate must not raise them.
COMPARED_LOWER = ("opinion_flagged_share", "debunk_flagged_share")


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
def train_candidate(verdicts: Path, corpus_dir: Path | None, out: Path) -> str:
    """Train on the corpus plus the verdicts; save the artefacts in ``out``; return the version."""
    from models import artefacts
    from models.corpus import CORPUS_DIR, load_corpus, read_verdicts
    from models.train import train, write_metrics

    logger = get_run_logger()
    examples = load_corpus(corpus_dir or CORPUS_DIR) + read_verdicts(verdicts)
    result = train(examples, log=logger.info)
    artefacts.save(result.artefacts, out)
    write_metrics(result, out)
    return result.artefacts.version


@task(name="evaluate-on-test", cache_policy=NO_CACHE)
def evaluate_on_test(artefact_dir: Path | None, corpus_dir: Path | None) -> dict[str, Any]:
    """The model in ``artefact_dir`` (the shipped one for ``None``) on the fixed test split.

    Only corpus examples are measured: verdicts change from run to run, the test split must not.
    """
    from core.records import ClassifyInput
    from models.corpus import CORPUS_DIR, by_split, load_corpus
    from models.metrics import compute_metrics
    from models.predict import NarrativeClassifier

    test = by_split(load_corpus(corpus_dir or CORPUS_DIR), "test")
    classifier = NarrativeClassifier.load(artefact_dir)
    predictions = classifier.classify(
        [ClassifyInput(id=e.id, text=e.text, title=e.title) for e in test]
    )
    metrics = compute_metrics(
        [e.label for e in test],
        [p.classification.label for p in predictions],
        [p.classification.flagged for p in predictions],
        [e.hard_case for e in test],
    )
    metrics["model_version"] = classifier.version
    return metrics


def not_worse(candidate: dict[str, Any], current: dict[str, Any]) -> bool:
    """True when the candidate matches or beats the current model on every compared measure."""
    for key in COMPARED:
        if candidate[key] < current[key]:
            return False
    for key in COMPARED_LOWER:
        new, old = candidate.get(key), current.get(key)
        if new is not None and old is not None and new > old:
            return False
    return True


def comparison_markdown(current: dict[str, Any], candidate: dict[str, Any],
                        promoted: bool, verdicts: int) -> str:
    rows = [
        "# Huấn luyện lại (retraining)",
        "",
        f"Nhận định của người duyệt dùng thêm (verdicts used): {verdicts}. "
        f"Tập kiểm tra cố định (fixed test split): {candidate['n']} mẫu.",
        "",
        "| chỉ số (measure) | mô hình đang dùng (current) | mô hình mới (candidate) |",
        "|---|---:|---:|",
        f"| phiên bản (version) | {current['model_version']} | {candidate['model_version']} |",
    ]
    for key in (*COMPARED, *COMPARED_LOWER, "accuracy"):
        def shown(value: Any) -> str:
            return "n/a" if value is None else f"{value:.3f}"
        rows.append(f"| {key} | {shown(current.get(key))} | {shown(candidate.get(key))} |")
    rows += ["", "**Đã đưa vào dùng (promoted).**" if promoted else
             "**Không đưa vào dùng: mô hình mới kém hơn (not promoted: worse).**"]
    return "\n".join(rows)


@flow(name="kiemchung-retrain", log_prints=True)
def retrain(corpus_dir: str | None = None) -> dict[str, Any]:
    """Train with the reviewers' verdicts; promote the result only if it is not worse."""
    settings = load_settings()
    stamp = now_utc().strftime("%Y%m%dT%H%M%S")
    corpus = Path(corpus_dir) if corpus_dir else None
    work = settings.data_dir / "retrain" / stamp
    work.mkdir(parents=True, exist_ok=True)
    verdicts = work / "verdicts.jsonl"
    used = gather_verdicts(settings, verdicts)
    candidate_dir = models_root(settings) / f"model-{stamp}"
    train_candidate(verdicts, corpus, candidate_dir)
    current = evaluate_on_test(active_model_dir(settings), corpus)
    candidate = evaluate_on_test(candidate_dir, corpus)
    promoted = not_worse(candidate, current)
    if promoted:
        activate(settings, candidate_dir)
    outcome = {"verdicts": used, "promoted": promoted, "current": current,
               "candidate": candidate, "candidate_dir": str(candidate_dir)}
    (work / "report.json").write_text(json.dumps(outcome, ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    markdown = comparison_markdown(current, candidate, promoted, used)
    create_markdown_artifact(key="retrain-report", markdown=markdown,
                             description=f"Retraining {stamp}")
    get_run_logger().info("%s", markdown)
    return outcome
