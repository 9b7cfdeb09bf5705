"""Extract one news article (title, sapo, body, dates, byline, section) from its HTML."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from core.ids import canonical_url
from core.text import collapse_spaces, nfc
from crawlers.extract.dates import parse_date
from crawlers.extract.encoding import decode_html
from crawlers.extract.metadata import PageMetadata, clean, jsonld_names, jsonld_value, read_metadata
from crawlers.extract.registrable import same_registrable_domain
from crawlers.extract.sites import GENERIC_DROP, SiteRules, rules_for

_TITLE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,60}$")
_BYLINE_MAX_CHARS = 60
_DATE_META_KEYS = ("article:published_time", "og:article:published_time", "datepublished",
                   "pubdate", "publishdate", "dc.date.issued", "date", "article:published")


class ExtractionError(ValueError):
    """The page cannot be read as an article (no HTML, or no article text)."""


class JavaScriptOnlyPage(ExtractionError):
    """The page's HTML holds no article text: a script builds it in the browser."""


#: The chosen body is "much shorter" than the page's visible text below this share. The 16 real
#: pages range from 0.22 (a desktop page with long menus) to 0.92, so 0.1 means "lost".
_SHORT_BODY_SHARE = 0.1
#: ... and only on pages with this much visible text, where the share says something.
_MIN_VISIBLE_FOR_SHARE = 1000
#: Below this many visible characters, a page full of scripts is a JavaScript application.
_JS_ONLY_MAX_VISIBLE = 200
_MOUNT_POINTS = ("root", "app", "__next", "__nuxt", "main-app", "vue-app")
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer",
              "aside", "form", "select")


@dataclass
class Article:
    """What the extractor found on one article page."""

    url: str
    canonical_url: str
    title: str = ""
    lead: str = ""
    text: str = ""
    published: datetime | None = None
    author: str | None = None
    section: str | None = None
    language: str = "vi"
    encoding: str = "utf-8"
    legacy_encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: The page's canonical link when it names another registrable domain: not trusted as the
    #: item's identity (an aggregator could take over the outlet's id), kept as "a copy of".
    canonical_elsewhere: str | None = None


def _text_of(element: lxml_html.HtmlElement) -> str:
    return nfc(collapse_spaces(element.text_content()))


def _first(tree: lxml_html.HtmlElement, selector: str) -> lxml_html.HtmlElement | None:
    if not selector:
        return None
    for part in selector.split(","):
        try:
            found = tree.cssselect(part.strip())
        except (etree.XPathError, ValueError, SyntaxError):
            continue
        for element in found:
            if _text_of(element):
                return element
    return None


def _parse(
    page: bytes | str, content_type: str | None
) -> tuple[lxml_html.HtmlElement, str, str | None, tuple[str, ...]]:
    notes: tuple[str, ...] = ()
    if isinstance(page, bytes):
        decoded = decode_html(page, content_type)
        text, encoding, legacy, notes = (decoded.text, decoded.encoding, decoded.legacy,
                                         decoded.notes)
    else:
        text, encoding, legacy = nfc(page), "utf-8", None
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        raise ExtractionError("empty page")
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unparseable HTML: {exc}") from exc
    return tree, encoding, legacy, notes


def _title(tree: lxml_html.HtmlElement, meta: PageMetadata, rules: SiteRules) -> str:
    element = _first(tree, rules.title)
    if element is None:
        element = _first(tree, "article h1, main h1, h1")
    if element is not None:
        return _text_of(element)
    for candidate in (jsonld_value(meta, "headline"), meta.meta.get("og:title"),
                      meta.meta.get("twitter:title"), meta.title_tag):
        if candidate:
            text = clean(candidate)
            return _TITLE_SUFFIX.sub("", text) if candidate == meta.title_tag else text
    return ""


def _lead(tree: lxml_html.HtmlElement, meta: PageMetadata, rules: SiteRules) -> str:
    element = _first(tree, rules.lead)
    if element is None:
        element = _first(tree, ".sapo, .detail-sapo, .article__sapo, p.description, .lead")
    if element is not None:
        return _text_of(element)
    return clean(meta.meta.get("description") or meta.meta.get("og:description") or "")


def _published(
    tree: lxml_html.HtmlElement, meta: PageMetadata, rules: SiteRules
) -> datetime | None:
    # <meta> first: JSON-LD is often generated with the seconds cut off (tuoitre.vn).
    candidates: list[str | None] = [meta.meta.get(key) for key in _DATE_META_KEYS]
    candidates.append(jsonld_value(meta, "datePublished"))
    candidates += tree.xpath("//time/@datetime")[:1]
    element = _first(tree, rules.published)
    if element is not None:
        candidates.insert(0, _text_of(element))
    for value in candidates:
        moment = parse_date(value) if isinstance(value, str) else None
        if moment:
            return moment
    # Last resort: a printed "dd/mm/yyyy hh:mm" near the top of the page.
    for element in tree.xpath('//*[contains(@class, "date") or contains(@class, "time")]')[:20]:
        moment = parse_date(_text_of(element))
        if moment:
            return moment
    return None


def _author(tree: lxml_html.HtmlElement, meta: PageMetadata, rules: SiteRules) -> str | None:
    element = _first(tree, rules.author)
    if element is not None and len(_text_of(element)) <= _BYLINE_MAX_CHARS:
        return _text_of(element)
    names = jsonld_names(jsonld_value(meta, "author"))
    if names:
        return ", ".join(names)
    printed = meta.meta.get("author") or meta.meta.get("article:author")
    if printed and not printed.startswith("http"):
        return printed
    return None


def _section(tree: lxml_html.HtmlElement, meta: PageMetadata, rules: SiteRules) -> str | None:
    value = meta.meta.get("article:section") or jsonld_value(meta, "articleSection")
    names = jsonld_names(value) if value else []
    if names:
        return names[0]
    element = _first(tree, rules.section)
    return _text_of(element) if element is not None else None


def _body_fragment(tree: lxml_html.HtmlElement, rules: SiteRules) -> str | None:
    container = _first(tree, rules.body)
    if container is None:
        return None
    container = copy.deepcopy(container)
    for selector in GENERIC_DROP + rules.drop:
        try:
            doomed = container.cssselect(selector)
        except (etree.XPathError, ValueError, SyntaxError):
            continue
        for element in doomed:
            if element is not container and element.getparent() is not None:
                element.drop_tree()
    return lxml_html.tostring(container, encoding="unicode")


_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote",
    "pre", "figure", "dl", "dt", "dd", "center", "address",
})


def _block_lines(element: lxml_html.HtmlElement, out: list[str]) -> None:
    """Text of ``element`` as one line per block, inline markup flattened, ``<br>`` kept."""
    run: list[str] = [element.text or ""]

    def flush() -> None:
        for line in "".join(run).split("\n"):
            line = collapse_spaces(line)
            if line:
                out.append(line)
        run.clear()

    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            run.append(child.tail or "")
        elif child.tag in _BLOCK_TAGS:
            flush()
            _block_lines(child, out)
            run.append(child.tail or "")
        elif child.tag == "br":
            run.append("\n" + (child.tail or ""))
        else:
            run.append(child.text_content() + (child.tail or ""))
    flush()


def container_text(fragment: str) -> str:
    """Body text of a cleaned container: one line per block, repeated blocks once (photo stories
    print every caption twice, once per slideshow)."""
    element = lxml_html.fragment_fromstring(fragment, create_parent="div")
    lines: list[str] = []
    _block_lines(element, lines)
    return "\n".join(dict.fromkeys(nfc(line) for line in lines))


def _trafilatura_text(document: str, *, recall: bool = False) -> str:
    text = trafilatura.extract(
        document, output_format="txt", include_comments=False, include_tables=True,
        include_images=False, favor_precision=not recall, favor_recall=recall, deduplicate=True,
    )
    return text or ""


def visible_text(tree: lxml_html.HtmlElement) -> str:
    """What a reader sees of the page's body, scripts, menus and chrome left out."""
    body = tree.find("body")
    if body is None:
        return ""
    body = copy.deepcopy(body)
    for element in body.xpath(" | ".join(f".//{tag}" for tag in _INVISIBLE) + " | .//*[@hidden]"):
        if element.getparent() is not None:
            element.drop_tree()
    return collapse_spaces(body.text_content())


def _structured_body(tree: lxml_html.HtmlElement, meta: PageMetadata) -> str:
    """The article body the page states in its structured data (JSON-LD, then microdata)."""
    value = jsonld_value(meta, "articleBody")
    if isinstance(value, str) and clean(value):
        return "\n".join(clean(line) for line in value.splitlines() if clean(line))
    for element in tree.xpath('//*[@itemprop="articleBody"]'):
        text = container_text(lxml_html.tostring(element, encoding="unicode"))
        if text:
            return text
    return ""


def _looks_script_built(tree: lxml_html.HtmlElement, visible: str) -> bool:
    if len(visible) > _JS_ONLY_MAX_VISIBLE:
        return False
    scripts = tree.xpath("//script")
    mounts = [tree.get_element_by_id(name, None) for name in _MOUNT_POINTS]
    return bool(tree.xpath("//noscript") or any(m is not None for m in mounts)
                or sum(1 for script in scripts if script.get("src")) >= 1
                or sum(len(script.text or "") for script in scripts) > 1000)


def _body_text(tree: lxml_html.HtmlElement, meta: PageMetadata, site: SiteRules,
               article: Article) -> str:
    """The body, from the most precise source that gives one: the site's container, the
    precision-oriented generic extraction, the recall-oriented one (when those are empty or
    much shorter than what the page shows), the page's structured data. Headline, sapo and
    byline repeated at its ends are removed; a body that was only those counts as empty."""

    def stripped(text: str) -> str:
        text = _strip_repeats(text, article.title, article.lead, article.author)
        return "" if text in {article.title, article.lead} else text

    fragment = _body_fragment(tree, site)
    body = stripped(container_text(fragment)) if fragment else ""
    if fragment and not body:
        article.warnings.append("body selector matched but held no text; used generic")
    document = lxml_html.tostring(tree, encoding="unicode")
    if not body:
        body = stripped(_trafilatura_text(document))
    visible = visible_text(tree)
    much_shorter = (len(visible) >= _MIN_VISIBLE_FOR_SHARE
                    and len(body) < _SHORT_BODY_SHARE * len(visible))
    if not body or much_shorter:
        # The recall-oriented extraction, or the body the page states in its structured data
        # (sometimes cut short by the site, so the longer of the two wins).
        fuller = max(stripped(_structured_body(tree, meta)),
                     stripped(_trafilatura_text(document, recall=True)), key=len)
        if len(fuller) > 2 * len(body):
            article.warnings.append(
                f"precise extraction gave {len(body)} characters of {len(visible)} visible; "
                "used the recall-oriented extraction or the page's structured data")
            body = fuller
    if len(body) < _JS_ONLY_MAX_VISIBLE and _looks_script_built(tree, visible):
        # What little there is comes from a <noscript> notice or the title: the real text
        # is built by a script in the browser.
        raise JavaScriptOnlyPage("the page's HTML holds no text: JavaScript builds it "
                                 "(trang chỉ có JavaScript)")
    return body


def _strip_repeats(body: str, title: str, lead: str, author: str | None) -> str:
    """Remove the headline, sapo and byline when the body repeats them at its ends."""
    lines = [nfc(collapse_spaces(line)) for line in body.splitlines()]
    lines = [line for line in lines if line]
    while lines and lines[0] in {title, lead} and len(lines) > 1:
        lines.pop(0)
    if lines and lead and len(lines) > 1 and lead.startswith(lines[0]) and len(lines[0]) > 40:
        lines.pop(0)
    if author and lines and lines[-1].strip(" .") == author.strip(" ."):
        lines.pop()
    return "\n".join(lines)


def extract_article(
    page: bytes | str,
    url: str,
    *,
    rules: SiteRules | None = None,
    content_type: str | None = None,
) -> Article:
    """Extract an article from ``page`` (bytes are decoded here; str is taken as decoded).

    ``url`` is where the page came from; the page's own canonical link wins for the canonical
    URL. ``rules`` override the built-in rules for the site.
    """
    tree, encoding, legacy, notes = _parse(page, content_type)
    meta = read_metadata(tree)
    canonical = urljoin(url, meta.canonical or meta.meta.get("og:url") or url)
    if not canonical.startswith(("http://", "https://")):
        canonical = url
    # The declared canonical picks the site's extraction rules (a saved or mirrored page is
    # still that outlet's layout), but decides the id only within the page's own domain.
    site = rules_for(canonical, url).merged(rules)
    elsewhere = None
    if not same_registrable_domain(canonical, url):
        elsewhere, canonical = canonical_url(canonical), url
    article = Article(url=url, canonical_url=canonical_url(canonical), encoding=encoding,
                      legacy_encoding=legacy, warnings=list(notes), canonical_elsewhere=elsewhere)
    article.title = _title(tree, meta, site)
    article.lead = _lead(tree, meta, site)
    article.published = _published(tree, meta, site)
    article.author = _author(tree, meta, site)
    article.section = _section(tree, meta, site)
    language = meta.lang or meta.meta.get("og:locale") or "vi"
    article.language = re.split(r"[-_]", language)[0].lower()
    article.text = _body_text(tree, meta, site, article)
    if not article.text:
        raise ExtractionError("no article text on the page (không có nội dung bài)")
    return article
