"""Issue 15 end to end on the real engines: an image-only post carrying a known false claim is
crawled by Scrapy from a local site, its image read by Tesseract in the nightly Prefect flow,
flagged with a "from image" reason, searchable by the words in the image; the item page shows
the image and the official denial from the same site as evidence, attached in one click."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.ids import doc_id_for_post, doc_id_for_url
from tests.conftest import require
from tests.images import font_path, photo_background, png_bytes, render_text

#: Known false claim kc-0054 (models/data/known_claims.yaml), as a photographed "notice".
CLAIM = "Theo quyết định mới, hộ dùng quá 400 kWh mỗi tháng sẽ bị cắt điện luân phiên."
DENIAL_TITLE = "EVN bác bỏ thông tin cắt điện luân phiên hộ dùng quá 400 kWh"
DENIAL = (
    "Tổng công ty Điện lực miền Bắc khẳng định không có quyết định nào về việc cắt điện luân "
    "phiên đối với hộ dùng quá 400 kWh mỗi tháng. Thông tin lan truyền trên mạng xã hội là sai "
    "sự thật, người dân không chia sẻ."
)
UNRELATED_TITLE = "Trồng mới 500 ha rừng ngập mặn ven biển"
UNRELATED = (
    "Năm nay các tỉnh ven biển đã trồng mới 500 ha rừng ngập mặn. Rừng giúp giảm sóng, giữ đất "
    "và là nơi sinh sống của nhiều loài thủy sản."
)

#: A channel preview whose one message is four images and no text: a notice with the claim, a
#: landscape without text, an SVG (a refused type) and an image on a private address (refused).
PREVIEW = Path(__file__).with_name("fixtures") / "telegram_image_post.html"


def _article(title: str, text: str, published: str, image: str) -> str:
    return (
        f'<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:image" content="{image}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{title}</h1><div class=content>"
        + "".join(f"<p>{p}</p>" for p in re.split(r"(?<=\.) ", text))
        + "</div></article></body></html>"
    )


def _feed(entries: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>{{base_url}}{path}</link><pubDate>{d}</pubDate></item>"
        for t, path, d in entries
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Cổng thông tin chính thức</title>{items}</channel></rss>")


SOURCES = """sources:
  - id: kenh-canh-bao
    kind: telegram_channel
    urls: ["{base_url}/s/kenhcanhbao"]
    options: {delay: 0.01}
  - id: evn-chinh-thuc
    kind: rss
    official: true
    urls: ["{base_url}/official.xml"]
    options: {delay: 0.01}
"""


@pytest.fixture
def image_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from crawlers.localsite import LocalSite

    require(font_path() is not None, "DejaVu Sans is missing: apt-get install fonts-dejavu-core")
    root = tmp_path / "site"
    (root / "s" / "kenhcanhbao").mkdir(parents=True)
    (root / "anh").mkdir()
    (root / "bai").mkdir()
    (root / "s" / "kenhcanhbao" / "index.html").write_bytes(PREVIEW.read_bytes())
    notice = render_text("THÔNG BÁO KHẨN. " + CLAIM, size=30, background="photo", seed=5,
                         angle=-2.0)
    (root / "anh" / "thong-bao.png").write_bytes(png_bytes(notice))
    scenery = photo_background((640, 420), seed=9).convert("RGB")
    import io

    buffer = io.BytesIO()
    scenery.save(buffer, format="JPEG", quality=85)
    (root / "anh" / "phong-canh.jpg").write_bytes(buffer.getvalue())
    (root / "anh" / "bieu-tuong.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "utf-8")
    (root / "bai" / "evn-bac-bo-cat-dien-100.html").write_text(_article(
        DENIAL_TITLE, DENIAL, "2026-11-21T08:00:00+07:00", "/anh/phong-canh.jpg"), "utf-8")
    (root / "bai" / "rung-ngap-man-101.html").write_text(_article(
        UNRELATED_TITLE, UNRELATED, "2026-11-19T08:00:00+07:00", "/anh/phong-canh.jpg"), "utf-8")
    (root / "official.xml").write_text(_feed([
        (DENIAL_TITLE, "/bai/evn-bac-bo-cat-dien-100.html", "Sat, 21 Nov 2026 01:00:00 +0000"),
        (UNRELATED_TITLE, "/bai/rung-ngap-man-101.html", "Thu, 19 Nov 2026 01:00:00 +0000"),
    ]), "utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    with LocalSite(root) as site:
        yield site.base_url, sources


def test_image_only_post_is_read_flagged_searchable_and_shown_with_official_evidence(
    image_site: tuple[str, Path], data_dir: Path
) -> None:
    from fastapi.testclient import TestClient

    from core.settings import load_settings
    from crawlers.sources import load_sources, official_source_ids
    from dashboards.app import create_app
    from dashboards.users import UserStore
    from flows.nightly import nightly
    from index.factory import open_store
    from index.query import SearchQuery
    from nlp.ocr import tesseract_problem

    require(tesseract_problem() is None, f"{tesseract_problem()}")
    base_url, sources = image_site
    state = nightly(sources_file=str(sources), base_url=base_url, run_key="anh-1",
                    return_state=True)
    assert state.is_completed(), state.message

    # The run summary says what OCR did and how long it took.
    summary = json.loads((data_dir / "runs" / "anh-1" / "summary.json").read_text("utf-8"))
    post_outcome = {s["source_id"]: s for s in summary["sources"]}["kenh-canh-bao"]
    assert post_outcome["ocr_images"] == 2  # the notice and the scenery; SVG and 10.x refused
    assert post_outcome["ocr_read"] == 1
    assert post_outcome["ocr_seconds"] > 0

    settings = load_settings()
    store = open_store(settings)
    try:
        post = store.get(doc_id_for_post("telegram", "kenhcanhbao/7"))
        assert post is not None
        item = post.indexed.item
        assert item.text == ""  # an image-only post: all it says is in the picture
        notice, scenery = item.images
        assert (notice.n, notice.ocr_status, scenery.ocr_status) == (1, "read", "no_text")
        assert "cắt điện luân phiên" in notice.text
        assert notice.thumbnail.startswith("data:image/jpeg;base64,")
        assert (settings.data_dir / "images" / notice.sha256[:2] / notice.sha256).exists()

        model = post.indexed.classification
        assert model.flagged and model.label == "fabricated_policy"
        from_image = [r for r in model.reasons if r.startswith("Từ ảnh 1: ")]
        assert from_image and "400 kWh" in from_image[0]
        assert "kc-0054" in post.indexed.enrichment.known_claims

        # The words in the image find the post, folded or exact.
        for query in (SearchQuery(text="cat dien luan phien 400 kwh"),
                      SearchQuery(text="cắt điện luân phiên", exact=True)):
            assert post.id in {hit.stored.id for hit in store.search(query).hits}

        denial_id = doc_id_for_url(f"{base_url}/bai/evn-bac-bo-cat-dien-100.html")
        assert store.get(denial_id) is not None

        # The item page: the image beside its text, the official denial with its passage.
        users = UserStore.in_data_dir(data_dir)
        users.add("lan", "reviewer", "mat-khau-thu-nghiem")
        app = create_app(settings, store=store, users=users)
        # The official sources are those of the deployment's sources file (here the test's).
        app.state.official_sources = official_source_ids(load_sources(sources))
        client = TestClient(app, base_url="http://testserver")
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)
        assert token
        client.post("/login", data={"username": "lan", "password": "mat-khau-thu-nghiem",
                                    "csrf_token": token.group(1)})
        page = client.get(f"/items/{post.id}").text
        assert 'id="image-1"' in page and "data:image/jpeg;base64," in page
        assert "cắt điện luân phiên" in page
        evidence = page.split('id="official-evidence"')[1].split("</ul>")[0]
        assert DENIAL_TITLE in evidence
        assert "khẳng định không có quyết định nào về việc cắt điện luân phiên" in evidence
        assert UNRELATED_TITLE not in evidence
        denial_url = f"{base_url}/bai/evn-bac-bo-cat-dien-100.html"
        assert f'name="official_evidence" value="{denial_url}"' in evidence

        # One click (the checkbox) attaches it to the verdict.
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf
        answer = client.post(f"/items/{post.id}/verdict", data={
            "csrf_token": csrf.group(1), "verdict": "confirmed", "label": "fabricated_policy",
            "official_evidence": denial_url,
        }, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        reviewed = store.get(post.id)
        assert reviewed is not None and reviewed.verdict is not None
        assert reviewed.verdict.evidence == [denial_url]
        users.close()
    finally:
        store.close()
