"""Spiders: one generic spider per source kind, and short site spiders declared over them."""

from __future__ import annotations

import importlib
import pkgutil

from crawlers.spiders.base import SourceSpider


def all_spiders() -> dict[str, type[SourceSpider]]:
    """Every spider class in this package, by its ``name``."""
    found: dict[str, type[SourceSpider]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, SourceSpider)
                    and value.__module__ == module.__name__ and value.name):
                found[value.name] = value
    return found


def spider_for(kind: str, site_spider: str = "") -> type[SourceSpider]:
    """The spider class for a source: its named site spider, else the generic one of its kind."""
    spiders = all_spiders()
    if site_spider:
        if site_spider not in spiders:
            raise KeyError(f"no spider named {site_spider!r}")
        return spiders[site_spider]
    for spider in spiders.values():
        if kind in spider.kinds and spider.generic:
            return spider
    raise KeyError(f"no spider for source kind {kind!r}")
