"""The night's sources, entry by entry: a bad entry in ``sources.yaml`` disables that source
(loudly, in the summary) instead of stopping the night.

The valid entries are written, resolved, to the run's own ``sources.yaml``, which every crawl of
the run (on this machine or on a pool worker) reads; so the crawler, which validates a whole
file, never sees the bad entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crawlers.sources import (
    DEFAULT_SOURCES_FILE,
    Source,
    SourcesError,
    load_sources,
    read_sources_file,
)

RUN_SOURCES_FILE = "sources.yaml"


@dataclass
class NightSources:
    """Enabled valid sources, and for each bad entry what is wrong with it."""

    sources: list[Source]
    bad: dict[str, str] = field(default_factory=dict)
    file: Path | None = None


def _entry_name(entry: Any, index: int) -> str:
    name = entry.get("id") if isinstance(entry, dict) else None
    return str(name) if name else f"entry-{index + 1}"


def _problem(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(entry)"
        parts.append(f"field '{where}': {item['msg']}")
    return "; ".join(parts)


def load_night_sources(
    path: Path | None, *, base_url: str | None, only: list[str] | None, run_dir: Path
) -> NightSources:
    """Validate each entry on its own; write the valid, enabled, selected ones (resolved) to
    ``run_dir/sources.yaml``. A file that cannot be read at all is still an error for the
    whole night (``SourcesError``), as are ids in ``only`` that the file does not have."""
    path = path or DEFAULT_SOURCES_FILE
    data = read_sources_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{path}: expected a mapping with a 'sources' list")
    good: list[Source] = []
    bad: dict[str, str] = {}
    for index, entry in enumerate(data["sources"]):
        name = _entry_name(entry, index)
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            bad[name] = f"{path}: source {name!r} disabled: {_problem(exc)}"
            continue
        if any(other.id == source.id for other in good):
            bad[source.id] = f"{path}: source {source.id!r} disabled: its id is used twice"
            good = [other for other in good if other.id != source.id]
            continue
        good.append(_resolved(source.with_base_url(base_url), path.parent))
    if only:
        known = {source.id for source in good} | set(bad)
        unknown = [name for name in only if name not in known]
        if unknown:
            raise SourcesError(f"{path}: no source with id {', '.join(map(repr, unknown))}")
        good = [source for source in good if source.id in only]
        bad = {name: problem for name, problem in bad.items() if name in only}
    enabled = [source for source in good if source.enabled]
    final = run_dir / RUN_SOURCES_FILE
    partial = run_dir / f".{RUN_SOURCES_FILE}.partial"
    partial.write_text(
        yaml.safe_dump({"sources": [s.model_dump(mode="json") for s in enabled]},
                       allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    partial.replace(final)
    return NightSources(sources=load_sources(final), bad=bad, file=final)


def _resolved(source: Source, folder: Path) -> Source:
    """A file import's relative path made absolute against the sources file's folder."""
    if not source.options.path or Path(source.options.path).is_absolute():
        return source
    options = source.options.model_copy(update={"path": str(folder / source.options.path)})
    return source.model_copy(update={"options": options})
