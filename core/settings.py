"""Settings, read once from ``KIEMCHUNG_*`` environment variables and an optional TOML file.

Precedence: environment variable, then the config file (``KIEMCHUNG_CONFIG`` or
``./kiemchung.toml``), then the default. Everything else receives a ``Settings`` value;
no other module reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from core.keys import HOW_TO_MAKE, KeyFileError, key_path, key_problem, stored_key

ENV_PREFIX = "KIEMCHUNG_"
DEFAULT_CONFIG_FILE = "kiemchung.toml"
#: Settings that hold secret keys: no default; made once and kept in the data directory.
SECRET_KEYS: Final[tuple[str, ...]] = ("secret_key", "pseudonym_key")


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
    pseudonym_key: str | None = field(
        default=None,
        repr=False,
        metadata={"help": "Secret key of the hash that pseudonymises private social authors "
                  "(at least 32 characters); unset: made once, kept in DATA_DIR/keys/",
                  "secret": True},
    )
    youtube_api_key: str | None = field(default=None, metadata={"help": "YouTube Data API key"})
    facebook_token: str | None = field(default=None, metadata={"help": "Facebook Graph token"})
    retention_days: int = field(
        default=730, metadata={"help": "Items older than this are deleted (0 keeps all)"}
    )
    recheck_days: int = field(
        default=7, metadata={"help": "Articles first fetched within this many days are asked "
                             "again each crawl (conditional request) to catch corrections "
                             "(0: never)"}
    )
    recheck_max: int = field(
        default=200, metadata={"help": "Most of one source's articles asked again per crawl, "
                               "least recently checked first, so a busy source's checks spread "
                               "over several nights (0: no limit)"}
    )
    secret_key: str | None = field(
        default=None,
        repr=False,
        metadata={"help": "Signs review UI sessions (at least 32 characters); unset: made "
                  "once, kept in DATA_DIR/keys/", "secret": True},
    )
    ocr_item_seconds: float = field(
        default=30.0, metadata={"help": "Most seconds OCR may spend on one item's images"}
    )
    ocr_run_seconds: float = field(
        default=1800.0, metadata={"help": "Most seconds OCR may spend in one nightly run"}
    )
    timezone: str = field(
        default="Asia/Ho_Chi_Minh",
        metadata={"help": "Zone of schedules and reports, and of every date the app shows, "
                          "filters on and exports; charts count days on its calendar"},
    )
    # -- fast response: links, notification routing and channels --------
    app_url: str = field(
        default="http://127.0.0.1:8000",
        metadata={"help": "Address of the review app, for the links in notifications"},
    )
    notify_rules: str = field(
        default="surge: *; match: * >= 0.8",
        metadata={"help": "What is notified on which channel, by label, province and minimum "
                          "score (flows/README.md)"},
    )
    notify_max_per_hour: int = field(
        default=10,
        metadata={"help": "At most this many messages per channel an hour; a summary of what "
                          "was held back follows"},
    )
    notify_digest: bool = field(
        default=False, metadata={"help": "One daily digest per channel instead of each message"}
    )
    notify_digest_hour: int = field(
        default=7, metadata={"help": "Hour of the daily digest, in the configured zone"}
    )
    smtp_host: str | None = field(default=None, metadata={"help": "SMTP server for e-mail alerts"})
    smtp_port: int = field(default=587, metadata={"help": "SMTP port"})
    smtp_username: str | None = field(default=None, metadata={"help": "SMTP user"})
    smtp_password: str | None = field(
        default=None, metadata={"help": "SMTP password (no default: set your own)"}
    )
    smtp_starttls: bool = field(
        default=True, metadata={"help": "Upgrade the SMTP connection with STARTTLS"}
    )
    mail_from: str | None = field(default=None, metadata={"help": "Sender of e-mail alerts"})
    mail_to: str | None = field(
        default=None, metadata={"help": "Recipients of e-mail alerts, comma-separated"}
    )
    webhook_url: str | None = field(
        default=None, metadata={"help": "Webhook that receives alerts as signed JSON (https)"}
    )
    webhook_secret: str | None = field(
        default=None,
        metadata={"help": "Key of the webhook's HMAC-SHA256 signature (no default: set your "
                          "own, 16+ characters)"},
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
        if spec.name in SECRET_KEYS:
            values[spec.name] = str(raw)  # kept as given: an empty key is refused, not unset
        else:
            values[spec.name] = _convert(spec.name, raw, spec.default)
    settings = Settings(**values)
    if not 0.0 <= settings.flag_threshold <= 1.0:
        raise SettingsError(f"{ENV_PREFIX}FLAG_THRESHOLD must be in [0, 1]")
    if settings.recheck_max < 0:
        raise SettingsError(f"{ENV_PREFIX}RECHECK_MAX must be 0 (no limit) or more")
    # No key is left unset past this point: every process sharing the data directory (the
    # app, the crawler's pseudonymise_authors pipeline, flow workers) reads the same ones.
    return replace(
        settings,
        secret_key=key_in_force(settings, "secret_key"),
        pseudonym_key=key_in_force(settings, "pseudonym_key"),
    )


def key_in_force(settings: Settings, name: str) -> str:
    """The secret key ``name`` (``secret_key`` or ``pseudonym_key``): the configured one if it
    is strong enough, else the one kept in ``DATA_DIR/keys/``, made on first use."""
    configured = getattr(settings, name)
    variable = f"{ENV_PREFIX}{name.upper()}"
    if configured is not None:
        problem = key_problem(configured)
        if problem:
            raise SettingsError(
                f"{variable} {problem}. Make a key with:  {HOW_TO_MAKE}  or leave {variable} "
                f"unset and one is made for you and kept in "
                f"{key_path(settings.data_dir, name)} (readable by its owner only)"
            )
        return str(configured)
    try:
        return stored_key(settings.data_dir, name)
    except (KeyFileError, OSError) as exc:
        raise SettingsError(f"{variable}: {exc}") from exc


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting: the README's table and ``kiemchung config``."""
    rows = []
    for spec in fields(Settings):
        default = "" if spec.default is None else str(spec.default)
        rows.append((f"{ENV_PREFIX}{spec.name.upper()}", default, spec.metadata.get("help", "")))
    return rows
