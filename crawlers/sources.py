"""The source registry: load and validate ``sources.yaml``, with errors naming source and field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_SOURCES_FILE = Path(__file__).with_name("sources.yaml")
DEMO_SOURCES_FILE = Path(__file__).with_name("demo_sources.yaml")

SourceType = Literal["rss", "atom", "sitemap", "news_sitemap", "listing", "youtube",
                     "facebook_page", "telegram_channel", "file_import"]
NEWS_KINDS = frozenset({"rss", "atom", "sitemap", "news_sitemap", "listing"})
_URL_KINDS = NEWS_KINDS | {"telegram_channel", "facebook_page"}


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the source and the field."""


class SourceOptions(BaseModel):
    """Knobs of one source; every field has a safe default."""

    model_config = ConfigDict(extra="forbid")

    # extraction overrides (CSS selectors)
    title_selector: str = ""
    lead_selector: str = ""
    body_selector: str = ""
    drop_selectors: list[str] = Field(default_factory=list)
    author_selector: str = ""
    date_selector: str = ""
    # listing pages
    link_selector: str = ""
    link_pattern: str = ""
    next_page_selector: str = ""
    max_pages: int = Field(default=3, ge=1, le=200)
    # politeness and limits
    delay: float = Field(default=1.0, ge=0.0, le=120.0,
                         description="Seconds between requests to a domain (AutoThrottle start)")
    concurrency: int = Field(default=2, ge=1, le=2)
    timeout: float = Field(default=30.0, gt=0.0, le=300.0)
    max_items: int = Field(default=500, ge=1)
    max_body_mb: float = Field(default=5.0, gt=0.0, le=50.0)
    # social and import sources
    keywords: list[str] = Field(default_factory=list)
    api_base: str = ""
    max_comments: int = Field(default=20, ge=0, le=100)
    path: str = ""
    format: Literal["", "jsonl", "csv"] = ""
    platform: str = ""
    authors_are_public: bool = False

    @field_validator("link_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        import re

        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value


class Source(BaseModel):
    """One entry of ``sources.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{1,63}$")
    kind: SourceType
    name: str = ""
    urls: list[str] = Field(default_factory=list)
    spider: str = Field(default="", description="A site spider's name, if generic is not enough")
    enabled: bool = True
    verified: bool = Field(default=False, description="Fetched successfully from a real network")
    official: bool = Field(
        default=False,
        description="A government portal, ministry, EVN, the weather service: its items are "
        "the evidence set shown beside flagged claims",
    )
    notes: str = ""
    options: SourceOptions = Field(default_factory=SourceOptions)

    @field_validator("urls")
    @classmethod
    def _http_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("http://", "https://", "{base_url}")):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _kind_needs(self) -> Source:
        if self.kind in _URL_KINDS and not self.urls:
            raise ValueError(f"a {self.kind} source needs at least one URL in 'urls'")
        if self.kind == "youtube" and not self.options.keywords:
            raise ValueError("a youtube source needs 'options.keywords'")
        if self.kind == "file_import" and not self.options.path:
            raise ValueError("a file_import source needs 'options.path'")
        return self

    def with_base_url(self, base_url: str | None) -> Source:
        """This source with ``{base_url}`` substituted in its URLs, API base and path."""
        if base_url is None:
            return self
        base = base_url.rstrip("/")
        options = self.options.model_copy(update={
            "api_base": self.options.api_base.replace("{base_url}", base),
            "path": self.options.path.replace("{base_url}", base),
        })
        return self.model_copy(update={
            "urls": [url.replace("{base_url}", base) for url in self.urls], "options": options,
        })


def official_source_ids(sources: Sequence[Source]) -> frozenset[str]:
    """Ids of the sources marked ``official: true``: where the official word comes from."""
    return frozenset(source.id for source in sources if source.official)


def is_official_source(source_id: str, path: Path | None = None) -> bool:
    """Whether ``sources.yaml`` (``path``, or the project's file) marks ``source_id`` official.

    A source the file does not have (removed since its items were crawled) is not official."""
    return source_id in official_source_ids(load_sources(path))


def _describe(error: ValidationError, entry: Any, index: int) -> str:
    name = entry.get("id") if isinstance(entry, dict) else None
    where = f"source {name!r}" if name else f"source #{index + 1}"
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(entry)"
        problems.append(f"{where}, field '{field}': {item['msg']}")
    return "; ".join(problems)


def parse_sources(data: Any, origin: str = "sources") -> list[Source]:
    """Validate the parsed YAML document of a sources file."""
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{origin}: expected a mapping with a 'sources' list")
    sources: list[Source] = []
    errors: list[str] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"]):
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            errors.append(_describe(exc, entry, index))
            continue
        if source.id in seen:
            errors.append(f"source {source.id!r}, field 'id': used twice")
        seen.add(source.id)
        sources.append(source)
    if errors:
        raise SourcesError(f"{origin}: " + "\n".join(errors))
    return sources


def _resolve_paths(source: Source, folder: Path) -> Source:
    """A file_import path relative to the sources file's folder, made absolute."""
    if not source.options.path or Path(source.options.path).is_absolute():
        return source
    options = source.options.model_copy(update={"path": str(folder / source.options.path)})
    return source.model_copy(update={"options": options})


def read_sources_file(path: Path) -> Any:
    """The parsed YAML of a sources file; ``SourcesError`` naming the file if it cannot be
    read or parsed."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {exc}") from exc


def load_sources(
    path: Path | None = None, *, base_url: str | None = None, only: Sequence[str] | None = None
) -> list[Source]:
    """Load, validate and select sources; ``only`` names ids (unknown ids are an error)."""
    path = path or DEFAULT_SOURCES_FILE
    data = read_sources_file(path)
    sources = [_resolve_paths(source.with_base_url(base_url), path.parent)
               for source in parse_sources(data, str(path))]
    if only:
        known = {source.id for source in sources}
        unknown = [name for name in only if name not in known]
        if unknown:
            raise SourcesError(f"{path}: no source with id {', '.join(map(repr, unknown))}")
        sources = [source for source in sources if source.id in only]
    return sources
