"""Settings come from KIEMCHUNG_ variables, then the config file, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings, SettingsError, load_settings, settings_table


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_settings makes the secret keys in the data directory: keep them out of the repo."""
    monkeypatch.chdir(tmp_path)


def test_defaults_use_the_embedded_store(tmp_path: Path) -> None:
    settings = load_settings({}, config_file=tmp_path / "absent.toml")
    assert settings.es_url is None and not settings.uses_elasticsearch
    assert settings.sqlite_path == Path.cwd() / "data" / "kiemchung.sqlite3"


def test_data_dir_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Child processes (the crawler, flow workers) start elsewhere and must find the same data."""
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"KIEMCHUNG_DATA_DIR": "store"}, config_file=tmp_path / "x.toml")
    assert settings.data_dir == tmp_path / "store"
    assert Settings(data_dir=Path("rel")).data_dir == tmp_path / "rel"


def test_environment_beats_file_beats_default(tmp_path: Path) -> None:
    config = tmp_path / "kiemchung.toml"
    config.write_text('[kiemchung]\nflag_threshold = 0.7\nindex_prefix = "from-file"\n')
    env = {"KIEMCHUNG_INDEX_PREFIX": "from-env", "KIEMCHUNG_ALLOW_LOOPBACK": "yes"}
    settings = load_settings(env, config_file=config)
    assert settings.index_prefix == "from-env"
    assert settings.flag_threshold == 0.7
    assert settings.allow_loopback is True
    assert settings.retention_days == Settings().retention_days


def test_config_file_named_by_environment(tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text('es_url = "http://127.0.0.1:9200"\n')
    settings = load_settings({"KIEMCHUNG_CONFIG": str(config)})
    assert settings.uses_elasticsearch


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KIEMCHUNG_FLAG_THRESHOLD": "high"}, "KIEMCHUNG_FLAG_THRESHOLD='high'"),
        ({"KIEMCHUNG_FLAG_THRESHOLD": "1.5"}, "must be in [0, 1]"),
        ({"KIEMCHUNG_ALLOW_LOOPBACK": "maybe"}, "KIEMCHUNG_ALLOW_LOOPBACK"),
        ({"KIEMCHUNG_CONFIG": "/nonexistent/k.toml"}, "does not exist"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(env)


def test_unknown_key_in_file_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "kiemchung.toml"
    config.write_text("es_ulr = 'typo'\n")
    with pytest.raises(SettingsError, match="es_ulr"):
        load_settings({}, config_file=config)


def test_table_lists_every_setting_with_help() -> None:
    rows = settings_table()
    assert ("KIEMCHUNG_ES_URL", "", rows[1][2]) == rows[1]
    assert all(help_text for _, _, help_text in rows)
