"""Settings, read once from ``KIEMCHUNG_*`` environment variables and an optional TOML file.

Precedence: environment variable, then the config file (``KIEMCHUNG_CONFIG`` or
``./kiemchung.toml``), then the default. Everything else receives a ``Settings`` value;
no other module reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "KIEMCHUNG_"
DEFAULT_CONFIG_FILE = "kiemchung.toml"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """Every knob of Kiểm Chứng, with the default a newcomer needs."""

    data_dir: Path = field(
        default=Path("data"),
        metadata={"help": "Where the embedded store, crawl state and spool live"},
    )
    es_url: str | None = field(
        default=None,
        metadata={"help": "Elasticsearch URL, or several nodes' URLs comma-separated; unset "
                          "means the embedded SQLite store"},
    )
    es_api_key: str | None = field(
        default=None,
        metadata={"help": "Elasticsearch API key: the encoded form, or ID:API_KEY"},
    )
    es_username: str | None = field(default=None, metadata={"help": "Elasticsearch user"})
    es_password: str | None = field(default=None, metadata={"help": "Elasticsearch password"})
    es_ca_certs: str | None = field(default=None, metadata={"help": "CA bundle for TLS"})
    index_prefix: str = field(
        default="kiemchung", metadata={"help": "Prefix of index and alias names"}
    )
    es_shards: int = field(
        default=1,
        metadata={"help": "Primary shards of an items index (at setup and at each migration)"},
    )
    es_replicas: int = field(
        default=0,
        metadata={"help": "Replicas of a new index; a migration keeps the live index's count"},
    )
    flag_threshold: float = field(
        default=0.5,
        metadata={"help": "Score a misleading label needs before the item is flagged"},
    )
    user_agent: str = field(
        default="KiemChungBot/0.1 (+https://github.com/kiemchung/kiemchung)",
        metadata={"help": "User-Agent of the crawler; name a contact URL"},
    )
    contact_url: str = field(
        default="https://github.com/kiemchung/kiemchung",
        metadata={"help": "Where site owners reach the team running the crawler"},
    )
    allow_loopback: bool = field(
        default=False,
        metadata={"help": "Let the crawler fetch 127.0.0.1 (tests and the demo only)"},
    )
    pseudonym_key: str = field(
        default="change-me",
        metadata={"help": "Secret key of the hash that pseudonymises private social authors"},
    )
    youtube_api_key: str | None = field(default=None, metadata={"help": "YouTube Data API key"})
    facebook_token: str | None = field(default=None, metadata={"help": "Facebook Graph token"})
    retention_days: int = field(
        default=730, metadata={"help": "Items older than this are deleted (0 keeps all)"}
    )
    secret_key: str = field(
        default="dev-only-secret-change-me",
        metadata={"help": "Signs review UI sessions and CSRF tokens"},
    )
    timezone: str = field(
        default="Asia/Ho_Chi_Minh", metadata={"help": "Zone of schedules and reports"}
    )

    def __post_init__(self) -> None:
        # Absolute from the start: the crawler and flow workers run in other processes and
        # other working directories, and must all find the same store, state and spool.
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser().absolute())

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "kiemchung.sqlite3"

    @property
    def uses_elasticsearch(self) -> bool:
        return bool(self.es_url)


def _convert(name: str, raw: Any, default: Any) -> Any:
    if raw is None:
        return None
    target = type(default) if default is not None else str
    try:
        if target is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if isinstance(default, Path):
            return Path(str(raw)).expanduser()
        if target is str:
            return str(raw) if str(raw) != "" else None
        return target(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {target.__name__}"
        ) from exc


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    section = data.get("kiemchung", data)
    if not isinstance(section, dict):
        raise SettingsError(f"config file {path}: [kiemchung] must be a table")
    return section


def load_settings(
    environ: Mapping[str, str] | None = None, config_file: Path | None = None
) -> Settings:
    """Build ``Settings`` from the environment and the optional config file."""
    env = os.environ if environ is None else environ
    if config_file is None:
        named = env.get(f"{ENV_PREFIX}CONFIG")
        config_file = Path(named) if named else Path(DEFAULT_CONFIG_FILE)
        if named and not config_file.exists():
            raise SettingsError(f"{ENV_PREFIX}CONFIG names {named}, which does not exist")
    from_file = _read_config_file(config_file) if config_file.exists() else {}
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(from_file) - known)
    if unknown:
        raise SettingsError(f"config file {config_file}: unknown settings {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for spec in fields(Settings):
        env_name = f"{ENV_PREFIX}{spec.name.upper()}"
        if env_name in env:
            raw: Any = env[env_name]
        elif spec.name in from_file:
            raw = from_file[spec.name]
        else:
            continue
        values[spec.name] = _convert(spec.name, raw, spec.default)
    settings = Settings(**values)
    if not 0.0 <= settings.flag_threshold <= 1.0:
        raise SettingsError(f"{ENV_PREFIX}FLAG_THRESHOLD must be in [0, 1]")
    return settings


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting: the README's table and ``kiemchung config``."""
    rows = []
    for spec in fields(Settings):
        default = "" if spec.default is None else str(spec.default)
        rows.append((f"{ENV_PREFIX}{spec.name.upper()}", default, spec.metadata.get("help", "")))
    return rows
