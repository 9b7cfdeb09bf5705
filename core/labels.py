"""The narrative labels and reviewer verdicts of TAXONOMY.md: a contract, spelled as written."""

from __future__ import annotations

from typing import Final, Literal, get_args

Label = Literal[
    "irrelevant",
    "none",
    "opinion",
    "climate_denial",
    "solution_myth",
    "nuclear_misinfo",
    "disaster_hoax",
    "health_pollution",
    "fabricated_policy",
    "green_scam",
]

LABELS: Final[tuple[str, ...]] = get_args(Label)

NOT_MISLEADING_LABELS: Final[frozenset[str]] = frozenset({"irrelevant", "none", "opinion"})
MISLEADING_LABELS: Final[tuple[str, ...]] = tuple(
    label for label in LABELS if label not in NOT_MISLEADING_LABELS
)

Verdict = Literal["confirmed", "not_misleading", "needs_expert", "duplicate"]
VERDICTS: Final[tuple[str, ...]] = get_args(Verdict)

#: Vietnamese names shown to reviewers and analysts.
LABEL_NAMES_VI: Final[dict[str, str]] = {
    "irrelevant": "Không liên quan",
    "none": "Không sai lệch",
    "opinion": "Ý kiến, phản biện",
    "climate_denial": "Phủ nhận biến đổi khí hậu",
    "solution_myth": "Ngụy biện về giải pháp xanh",
    "nuclear_misinfo": "Tin sai về điện hạt nhân",
    "disaster_hoax": "Tin giả về thiên tai, sự cố",
    "health_pollution": "Tin sai về sức khỏe và ô nhiễm",
    "fabricated_policy": "Chính sách bịa đặt",
    "green_scam": "Lừa đảo \u201cxanh\u201d",
}

VERDICT_NAMES_VI: Final[dict[str, str]] = {
    "confirmed": "Xác nhận sai lệch",
    "not_misleading": "Không sai lệch",
    "needs_expert": "Cần chuyên gia",
    "duplicate": "Trùng lặp",
}


def is_misleading(label: str) -> bool:
    """True for the seven labels that can be flagged."""
    return label in MISLEADING_LABELS


def check_label(label: str) -> str:
    """Return ``label`` if it is in the taxonomy, else raise ``ValueError`` naming the choices."""
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
    return label
