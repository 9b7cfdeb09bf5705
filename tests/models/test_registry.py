"""One model everywhere: after a promotion, ``kiemchung classify``, ``kiemchung evaluate`` and the
nightly enrichment all load the promoted model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli.main import main
from core.records import CrawledItem
from core.settings import load_settings
from models import artefacts as store
from models import registry
from models.enrich import enrich


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv("KIEMCHUNG_DATA_DIR", str(directory))
    monkeypatch.delenv("KIEMCHUNG_ES_URL", raising=False)
    monkeypatch.delenv("KIEMCHUNG_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return directory


def test_without_a_promotion_the_shipped_model_is_in_use(settings_dir: Path) -> None:
    settings = load_settings()
    assert registry.active_model_dir(settings) is None
    assert registry.model_dir(settings) == store.ARTEFACT_DIR
    assert registry.active_metadata(settings)["version"] == store.load().version


def test_a_promoted_model_is_used_by_classify_evaluate_and_the_nightly_run(
    settings_dir: Path, small_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings()
    promoted = registry.models_root(settings) / "model-test"
    shutil.copytree(small_model_dir, promoted)
    with pytest.raises(ValueError):
        registry.activate(settings, small_model_dir)  # only models under the registry's root
    registry.activate(settings, promoted)
    version = store.load(promoted).version
    assert version != store.load().version
    assert registry.active_model_dir(settings) == promoted

    source = settings_dir.parent / "in.jsonl"
    source.write_text(json.dumps({"id": "1", "text": "Đập thủy điện sắp vỡ, chạy ngay"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["classify", str(source)]) == 0
    assert json.loads(capsys.readouterr().out)["model_version"] == version

    item = CrawledItem(id="x", url="https://example.vn/a", canonical_url="https://example.vn/a",
                       source_id="t", text="Thủy điện xả lũ qua ba cửa van")
    [indexed] = enrich([item], flag_threshold=settings.flag_threshold,
                       artefact_dir=registry.active_model_dir(settings))
    assert indexed.classification.model_version == version

    corpus = settings_dir.parent / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "examples.jsonl", corpus / "all.jsonl")
    assert main(["evaluate", "--corpus", str(corpus), "--split", "train", "--reports",
                 str(settings_dir.parent / "reports"), "--eval-dir",
                 str(settings_dir.parent / "none"), "--heldout", str(corpus / "absent.jsonl"),
                 "--no-challenge"]) == 0
    assert f"# Evaluation of {version}" in capsys.readouterr().out


def test_items_of_an_official_source_are_weighed_as_official_notices() -> None:
    """The same words weigh less from a source ``sources.yaml`` marks official than from a news
    outlet (threshold 0: every on-topic item is flagged with its probability as the score)."""
    item = CrawledItem(id="o", url="https://example.vn/o", canonical_url="https://example.vn/o",
                       source_id="t", text="Khẩn: đập thủy điện sắp vỡ, sơ tán ngay trong đêm")
    [as_news] = enrich([item], flag_threshold=0.0)
    [as_official] = enrich([item], flag_threshold=0.0, official=True)
    assert as_news.classification.flagged and as_official.classification.flagged
    assert as_official.classification.score < as_news.classification.score
