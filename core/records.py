"""The record types that flow through the pipeline: crawled item, classification, indexed item,
reviewer verdict. Every stage reads and writes these; JSON Lines carries them between processes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.clock import as_utc, now_utc
from core.labels import LABELS, Verdict, is_misleading

SourceKind = Literal["news", "social", "import"]


class ItemImage(BaseModel):
    """An image attached to a post, or an article's lead image, as the crawler fetched it, with
    the text OCR read from it. ``n`` is its place on the item: the text is "from image n"."""

    model_config = ConfigDict(extra="forbid")

    n: int = Field(ge=1, description="1 for the first image of the item")
    url: str
    sha256: str = Field(description="Hash of the bytes; the file is images/<sha256[:2]>/<sha256>")
    media_type: str
    width: int
    height: int
    thumbnail: str = Field(default="", description="A small JPEG as a data: URL, for the UI")
    text: str = Field(default="", description="OCR text, normalised like the item's text")
    ocr_status: str | None = Field(
        default=None, description="read, no_text, timeout, unavailable, error, skipped"
    )
    ocr_seconds: float = 0.0


class CrawledItem(BaseModel):
    """An article or public post as a crawler saw it, before any NLP."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Deterministic id from the canonical URL or the platform post id")
    url: str
    canonical_url: str
    source_id: str = Field(description="Id of the source in crawlers/sources.yaml")
    source_kind: SourceKind = "news"
    platform: str | None = Field(default=None, description="youtube, facebook, telegram, ...")
    title: str = ""
    text: str = ""
    lead: str = ""
    published: datetime | None = None
    fetched_at: datetime = Field(default_factory=now_utc)
    author: str | None = Field(
        default=None,
        description="As printed by an outlet or public page; pseudonymised for private people",
    )
    section: str | None = None
    language: str = "vi"
    content_hash: str | None = Field(default=None, description="Hash of the normalised body")
    duplicate_of: str | None = Field(default=None, description="Id of the first copy seen")
    version: int = Field(default=1, ge=1, description="1, then +1 each time a re-check of the "
                         "page finds its body changed (a correction or a stealth edit)")
    previous_hash: str | None = Field(default=None,
                                      description="content_hash of the version this replaces")
    metadata: dict[str, str] = Field(default_factory=dict)
    images: list[ItemImage] = Field(
        default_factory=list, description="Attached images and the lead image, with OCR text"
    )

    @field_validator("published", "fetched_at")
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    def image_text(self) -> str:
        """The text read from the item's images, one image after the other ("" when none)."""
        return "\n".join(image.text for image in self.images if image.text)


class Classification(BaseModel):
    """What the classifier says of one item: the batch-classification contract's fields."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    label: str
    flagged: bool
    score: float = Field(ge=0.0, le=1.0)
    relevant: bool
    reasons: list[str] = Field(default_factory=list)
    model_version: str

    @field_validator("label")
    @classmethod
    def _known_label(cls, value: str) -> str:
        if value not in LABELS:
            raise ValueError(f"unknown label {value!r}")
        return value

    @field_validator("flagged")
    @classmethod
    def _flag_needs_misleading_label(cls, value: bool, info: object) -> bool:
        data = getattr(info, "data", {})
        if value and not is_misleading(data.get("label", "")):
            raise ValueError("only a misleading label can be flagged")
        return value


class Enrichment(BaseModel):
    """NLP annotations kept with an item: what reviewers see highlighted and analysts facet on."""

    model_config = ConfigDict(extra="forbid")

    claim_sentences: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    provinces: list[str] = Field(default_factory=list)
    known_claims: list[str] = Field(
        default_factory=list, description="Ids of known false claims this item resembles"
    )
    title_words: str = Field(
        default="",
        description="The title cut into words (underthesea): words separated by spaces, the "
        "syllables of one word joined by '_' (\"Thủy_điện Hòa_Bình xả lũ\"); search indexes them",
    )
    body_words: str = Field(
        default="", description="The lead and text cut into words, written like ``title_words``"
    )


class Revision(BaseModel):
    """An earlier version of an item, kept when a re-check found its page changed."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    content_hash: str | None = None
    title: str = ""
    text: str = ""
    fetched_at: datetime

    @field_validator("fetched_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class IndexedItem(BaseModel):
    """An item as stored in the index: crawl fields, enrichment and classification.

    Review state is not here: it lives beside the item and no write of an IndexedItem
    touches it, so a re-index never overwrites a reviewer's verdict.
    """

    model_config = ConfigDict(extra="forbid")

    item: CrawledItem
    enrichment: Enrichment = Field(default_factory=Enrichment)
    classification: Classification
    indexed_at: datetime = Field(default_factory=now_utc)
    revisions: list[Revision] = Field(
        default_factory=list, description="Earlier versions of the text, oldest first")
    edited_after_review: bool = Field(
        default=False, description="The text changed materially after a reviewer's verdict: "
        "the item is back in the review queue; the verdict itself stays until a reviewer "
        "records a new one")

    @property
    def id(self) -> str:
        return self.item.id


class ReviewVerdict(BaseModel):
    """A reviewer's decision on an item, with who, when and why. Never edited in place."""

    model_config = ConfigDict(extra="forbid")

    item_id: str
    verdict: Verdict
    label: str | None = Field(default=None, description="The narrative label the reviewer gives")
    note: str = ""
    evidence: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None
    reviewer: str
    at: datetime = Field(default_factory=now_utc)
    undoes: datetime | None = Field(
        default=None,
        description="Set on an audit entry that undid the verdict recorded at this time; "
        "the other fields repeat the verdict undone",
    )

    @field_validator("label")
    @classmethod
    def _known_label(cls, value: str | None) -> str | None:
        if value is not None and value not in LABELS:
            raise ValueError(f"unknown label {value!r}")
        return value

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @field_validator("undoes")
    @classmethod
    def _undone_utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value is not None else None



class ClassifyInput(BaseModel):
    """One line of ``kiemchung classify`` input, and what the pipeline hands the classifier."""

    model_config = ConfigDict(extra="ignore")

    id: str
    text: str
    title: str = ""
    url: str | None = None
    source_kind: str | None = None


class Prediction(BaseModel):
    """The classifier's output for one input: the contract fields plus the NLP annotations."""

    model_config = ConfigDict(extra="forbid")

    classification: Classification
    enrichment: Enrichment = Field(default_factory=Enrichment)
