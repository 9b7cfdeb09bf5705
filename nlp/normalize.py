"""Vietnamese text normalisation: Unicode, tone marks, look-alikes, URLs, emoji, teencode."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from core.text import fold_diacritics, normalize_tones

# The tone-placement rules live in core (the index needs them too); re-exported here.
from core.text import normalize_syllable as normalize_syllable

# Characters that look like Latin or Vietnamese letters but are not: Icelandic eth for "Đ",
# Cyrillic and Greek letters pasted in by copy-paste or by spammers dodging keyword filters.
_LOOKALIKE_TABLE: Final[dict[str, str | None]] = {
    "\u00d0": "Đ",  # Ð Latin capital eth
    "\u00f0": "đ",  # ð Latin small eth
    "\u0189": "Đ",  # Ɖ African D
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c",
    "\u0443": "y", "\u0445": "x", "\u0456": "i", "\u0410": "A", "\u0415": "E",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0425": "X", "\u041d": "H",
    "\u041c": "M", "\u0422": "T", "\u041a": "K", "\u0412": "B",
    "\u03bf": "o", "\u039f": "O", "\u03b1": "a", "\u0391": "A",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-",
    # Invisible characters that split words for a machine and not for a reader.
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\u00ad": None,
}
_LOOKALIKES: Final = str.maketrans(_LOOKALIKE_TABLE)

URL_RE: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
HASHTAG_RE: Final = re.compile(r"#(\w+)")
# Pictographs, dingbats, flags, variation selectors and skin tones: decoration, not words.
EMOJI_RE: Final = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff"
    "\U0000fe0f\U0000fe0e\U0001f3fb-\U0001f3ff\u2b50\u2b55\u2b06\u2b07\u203c\u2049\u20e3]+"
)
# Emphasis ("khẩnnnn", "gấpppp"): no Vietnamese word repeats a letter three times, but a Roman
# numeral may ("III"), so capitals need four.
_ELONGATED_RE: Final = re.compile(r"([^\W\d_A-ZÀ-ỸĐ])\1{2,}|([A-ZÀ-ỸĐ])\2{3,}")
_SPACES_RE: Final = re.compile(r"[ \t\u00a0\u3000]+")
_CAMEL_RE: Final = re.compile(r"(?<=[a-zà-ỹđ])(?=[A-ZÀ-ỸĐ])")

#: Informal spellings common in Vietnamese social posts, mapped to the standard word. Only whole
#: tokens are replaced, and only ones that are unambiguous in this domain ("ng" for "người" is
#: kept out: it is also the start of many no-diacritics words cut by mistake).
TEENCODE: Final[dict[str, str]] = {
    "ko": "không", "k": "không", "kh": "không", "hok": "không", "hông": "không",
    "khum": "không",
    "dc": "được", "đc": "được", "dk": "được", "đk": "được",
    "j": "gì", "ji": "gì", "r": "rồi", "rùi": "rồi",
    "mn": "mọi người", "mng": "mọi người", "mọi ng": "mọi người",
    "ae": "anh em", "a/e": "anh em",
    "vs": "với", "bít": "biết", "bik": "biết", "wa": "quá", "qá": "quá",
    "ntn": "như thế nào", "cx": "cũng", "cg": "cũng", "trc": "trước",
    "mik": "mình", "mk": "mình", "lm": "làm", "ns": "nói", "ms": "mới",
    "nc": "nước", "nhìu": "nhiều", "iu": "yêu", "thui": "thôi", "bjo": "bây giờ",
    "bh": "bây giờ", "h": "giờ", "ntn?": "như thế nào?", "tq": "Trung Quốc",
    "vn": "Việt Nam", "sgk": "sách giáo khoa", "ctv": "cộng tác viên",
}
_TEENCODE_RE: Final = re.compile(
    r"(?<![\w/])(" + "|".join(re.escape(k) for k in sorted(TEENCODE, key=len, reverse=True))
    + r")(?![\w/])",
    re.IGNORECASE,
)

URL_PLACEHOLDER: Final[str] = "URL"


def _hashtag_words(match: re.Match[str]) -> str:
    # "#VoDapThuyDien" reads as "Vo Dap Thuy Dien"; "#vodap" stays one word.
    return _CAMEL_RE.sub(" ", match.group(1)).replace("_", " ")


def _teencode(match: re.Match[str]) -> str:
    return TEENCODE[match.group(1).lower()]


def normalize_unicode(text: str) -> str:
    """NFKC (fancy-font and full-width letters become plain), look-alikes fixed, then NFC.

    >>> normalize_unicode("\u00d0\u1ea3m") == "\u0110\u1ea3m"
    True
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).translate(_LOOKALIKES))


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        folded = fold_diacritics(char)
        if folded != char:
            table[code] = folded
    return table


_FOLD: Final[dict[int, str]] = _fold_table()


def fold(text: str) -> str:
    """``core.text.fold_diacritics`` for NFC text, by table: same result, many times faster.

    >>> fold("Thủy điện HÒA BÌNH")
    'thuy dien hoa binh'
    """
    return text.lower().translate(_FOLD)


def count_emoji(text: str) -> int:
    """How many emoji runs a text carries; alarm posts are dense with them ("😱🙏⚠️")."""
    return len(EMOJI_RE.findall(text))


def normalize_text(text: str, *, teencode: bool = True) -> str:
    """The one normal form every later step sees.

    NFC, tone marks placed one way ("hoà" and "hòa" meet), look-alike characters replaced,
    URLs replaced by ``URL``, hashtags turned into words, emoji dropped, letters repeated for
    emphasis shortened, informal spellings ("ko", "dc", "mn") written out. Case is kept.

    >>> normalize_text("KHẨN!!! Đập thuỷ điện sắp vỡ, mn chạy ngay 😱 #VoDap https://x.vn/a")
    'KHẨN!!! Đập thủy điện sắp vỡ, mọi người chạy ngay Vo Dap URL'
    """
    if not text:
        return ""
    text = normalize_unicode(text)
    text = URL_RE.sub(URL_PLACEHOLDER, text)
    text = EMOJI_RE.sub(" ", text)
    text = HASHTAG_RE.sub(_hashtag_words, text)
    text = _ELONGATED_RE.sub(lambda m: m.group(1) or m.group(2), text)
    text = normalize_tones(text)
    if teencode:
        text = _TEENCODE_RE.sub(_teencode, text)
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
