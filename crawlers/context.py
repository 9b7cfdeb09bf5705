"""What one crawl run shares among its spiders and pipelines: injected, never global."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from core.settings import Settings
from crawlers.net.host_limits import HostLimits
from crawlers.net.resolver import RefusedHosts
from crawlers.state import CrawlState


@dataclass
class RunContext:
    """The run's settings, state, output and the URLs already claimed by a spider in this run."""

    settings: Settings
    state: CrawlState
    out_path: Path
    since: datetime | None = None
    started: datetime | None = None
    claimed: set[str] = field(default_factory=set)
    refused_hosts: RefusedHosts = field(default_factory=RefusedHosts)
    host_limits: HostLimits = field(default_factory=HostLimits)  # one limit per host for the run
    events: IO[str] | None = None  # progress lines for the parent process
    _out: IO[str] | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> RunContext:
        # Scrapy deep-copies settings per crawler; the context must stay one shared object.
        return self

    def out(self) -> IO[str]:
        if self._out is None:
            self.out_path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.out_path.open("a", encoding="utf-8")
        return self._out

    def emit(self, line: str) -> None:
        if self.events is not None:
            self.events.write(line + "\n")
            self.events.flush()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
        self.state.close()
