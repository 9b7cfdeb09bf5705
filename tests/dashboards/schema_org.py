"""A checker of JSON-LD against the part of schema.org that ClaimReview uses, written from the
definitions on schema.org (types, their parents, each property's expected types) plus the
properties fact-check consumers require of a ClaimReview (claimReviewed, reviewRating, url...).

Only what our export uses is defined here; a property not listed for a type is an error, so a
typo or a property on the wrong type is caught.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

#: type -> its parent type (schema.org's class hierarchy, the part we need).
PARENT: dict[str, str | None] = {
    "Thing": None,
    "CreativeWork": "Thing",
    "Review": "CreativeWork",
    "ClaimReview": "Review",
    "Claim": "CreativeWork",
    "Intangible": "Thing",
    "Rating": "Intangible",
    "AggregateRating": "Rating",
    "Organization": "Thing",
    "NewsMediaOrganization": "Organization",
    "Person": "Thing",
}

#: type -> property -> expected types, as schema.org defines them (the domain of each property
#: is the type it is listed on; subtypes inherit).
PROPERTIES: dict[str, dict[str, tuple[str, ...]]] = {
    "Thing": {
        "name": ("Text",), "url": ("URL",), "alternateName": ("Text",),
        "description": ("Text",), "sameAs": ("URL",),
    },
    "CreativeWork": {
        "author": ("Organization", "Person"), "datePublished": ("Date", "DateTime"),
        "inLanguage": ("Language", "Text"), "headline": ("Text",),
        "publisher": ("Organization", "Person"), "citation": ("CreativeWork", "Text"),
    },
    "Review": {
        "itemReviewed": ("Thing",), "reviewRating": ("Rating",), "reviewBody": ("Text",),
    },
    "ClaimReview": {"claimReviewed": ("Text",)},
    "Claim": {
        "appearance": ("CreativeWork",), "firstAppearance": ("CreativeWork",),
        "claimInterpreter": ("Organization", "Person"),
    },
    "Rating": {
        "ratingValue": ("Number", "Text"), "bestRating": ("Number", "Text"),
        "worstRating": ("Number", "Text"), "ratingExplanation": ("Text",),
        "reviewAspect": ("Text",), "author": ("Organization", "Person"),
    },
    "Organization": {"logo": ("ImageObject", "URL")},
    "Person": {},
    "Intangible": {},
}

#: What fact-check consumers need of each type (ClaimReview guidance), and what issue 15 asks.
REQUIRED: dict[str, tuple[str, ...]] = {
    "ClaimReview": ("claimReviewed", "itemReviewed", "reviewRating", "author", "datePublished",
                    "url"),
    "Claim": ("appearance", "firstAppearance"),
    "Rating": ("ratingValue", "bestRating", "worstRating", "alternateName"),
    "Organization": ("name",),
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _ancestors(kind: str) -> list[str]:
    chain: list[str] = []
    current: str | None = kind
    while current is not None:
        chain.append(current)
        current = PARENT[current]
    return chain


def _is_a(kind: str, expected: str) -> bool:
    return kind in PARENT and expected in _ancestors(kind)


def _data_value_ok(value: Any, expected: str) -> bool:
    if expected == "Text" or expected == "Language":
        return isinstance(value, str) and bool(value.strip())
    if expected == "URL":
        return isinstance(value, str) and urlsplit(value).scheme in {"http", "https"} and bool(
            urlsplit(value).netloc)
    if expected == "Number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "Date":
        if not isinstance(value, str) or not _DATE.match(value):
            return False
        date.fromisoformat(value)
        return True
    if expected == "DateTime":
        if not isinstance(value, str):
            return False
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return False
        return "T" in value
    return False


def check(node: Any, expected: tuple[str, ...] = ("ClaimReview",), path: str = "$") -> list[str]:
    """Every way ``node`` breaks schema.org's definitions; an empty list when it holds."""
    if isinstance(node, list):
        return [e for i, item in enumerate(node) for e in check(item, expected, f"{path}[{i}]")]
    if not isinstance(node, dict):
        if any(_data_value_ok(node, kind) for kind in expected):
            return []
        return [f"{path}: {node!r} is not a {' or '.join(expected)}"]
    kind = node.get("@type")
    if not isinstance(kind, str) or kind not in PARENT:
        return [f"{path}: @type {kind!r} is not a known schema.org type"]
    if not any(_is_a(kind, e) for e in expected):
        return [f"{path}: a {kind} where {' or '.join(expected)} is expected"]
    errors = []
    allowed: dict[str, tuple[str, ...]] = {}
    for ancestor in _ancestors(kind):
        allowed.update({k: v for k, v in PROPERTIES.get(ancestor, {}).items() if k not in allowed})
    for ancestor in _ancestors(kind):
        for name in REQUIRED.get(ancestor, ()):
            if name not in node or node[name] in (None, "", []):
                errors.append(f"{path}: {kind} lacks required {name}")
    for name, value in node.items():
        if name.startswith("@"):
            if name == "@context" and value not in ("https://schema.org", "http://schema.org"):
                errors.append(f"{path}: @context {value!r} is not schema.org")
            continue
        if name not in allowed:
            errors.append(f"{path}: {name} is not a property of {kind}")
            continue
        errors.extend(check(value, allowed[name], f"{path}.{name}"))
    return errors
