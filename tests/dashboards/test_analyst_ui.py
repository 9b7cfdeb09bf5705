"""The analyst's pages as a person uses them: clickable facets, chips, page counts, the
timeline with every day, saved searches with a shared link, the language switch keeping the
query, friendly error pages, form errors that keep what was typed, the audit page with titles
and evidence, and one-key verdicts that can be undone."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dashboards.paging import pager
from index.query import SearchQuery
from index.store import ItemStore
from tests.dashboards.conftest import csrf_of, seed_items, signed_in
from tests.factories import make_item

XSS, COPY = seed_items()[0], seed_items()[1]


def _links(page: str, css_class: str) -> dict[str, str]:
    """``data-value`` -> href of every link with ``css_class``."""
    found = re.findall(
        rf'<a href="([^"]+)" class="{css_class}[^"]*" data-facet="[^"]+" data-value="([^"]+)"',
        page,
    )
    return {html_lib.unescape(value): html_lib.unescape(href) for href, value in found}


def _result_ids(page: str) -> set[str]:
    return set(re.findall(r'<li class="result" data-id="([^"]+)"', page))


def test_facets_are_links_that_add_filters_and_chips_remove_them(analyst: TestClient) -> None:
    page = analyst.get("/search", params={"q": "thuy dien"}).text
    facets = _links(page, "facet-link")
    # Every facet the issue names is there and clickable: label, verdict, source, source
    # kind, province, entity.
    for value in ("disaster_hoax", "unreviewed", "facebook-pages", "news", "Nghệ An", "Bản Vẽ"):
        assert value in facets, value
    by_province = analyst.get(facets["Nghệ An"]).text
    assert _result_ids(by_province) == {XSS.id}
    assert "q=thuy+dien" in facets["Nghệ An"] and "province=" in facets["Nghệ An"]
    # A second click (entity) adds to the first; the chips list both and remove one each.
    both = _links(by_province, "facet-link")["Bản Vẽ"]
    assert parse_qs(urlsplit(both).query)["province"] == ["Nghệ An"]
    assert parse_qs(urlsplit(both).query)["entity"] == ["Bản Vẽ"]
    chips = analyst.get(both).text
    assert 'id="active-filters"' in chips
    removal = re.search(r'<a href="([^"]+)" class="chip" aria-label="[^"]*Nghệ An', chips)
    assert removal, "no chip removes the province"
    left = parse_qs(urlsplit(html_lib.unescape(removal.group(1))).query)
    assert "province" not in left and left["entity"] == ["Bản Vẽ"] and left["q"] == ["thuy dien"]
    # Source kind and review status filter too.
    assert analyst.get("/search", params={"source_kind": "social"}).text.count(
        'class="result"') == 0
    reviewed = analyst.get("/search", params={"status": "unreviewed"}).text
    assert len(_result_ids(reviewed)) == 15


def test_the_filter_form_keeps_values_added_by_clicks(analyst: TestClient) -> None:
    page = analyst.get("/search", params=[("province", "Nghệ An"), ("province", "Huế")]).text
    assert page.count('<input type="hidden" name="province"') == 2
    assert 'value="Nghệ An"' in page and 'value="Huế"' in page


def test_pages_are_counted_and_paging_keeps_the_query(store_with_many: ItemStore,
                                                      many_client: TestClient) -> None:
    page = many_client.get("/search", params={"q": "tin", "label": "solution_myth"}).text
    count = re.search(r'id="page-count">([^<]+)<', page)
    assert count and count.group(1) == "Trang 1/3"
    after = html_lib.unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1))
    assert parse_qs(urlsplit(after).query) == {"q": ["tin"], "label": ["solution_myth"],
                                               "sort": ["relevance"], "page": ["2"]}
    last = many_client.get(after.replace("page=2", "page=3")).text
    assert 'id="page-count">Trang 3/3<' in last and 'rel="next"' not in last


def test_pager_links() -> None:
    middle = pager(4, 250, 25, lambda n: f"/q?page={n}")
    assert (middle.page, middle.pages) == (4, 10)
    assert (middle.first_url, middle.prev_url, middle.next_url, middle.last_url) == (
        "/q?page=1", "/q?page=3", "/q?page=5", "/q?page=10")
    assert pager(99, 30, 25, str).page == 2  # past the end: the last page
    assert pager(1, 0, 25, str).pages == 1


def test_timeline_has_every_day_of_the_range_and_the_search_filters(analyst: TestClient) -> None:
    wide = analyst.get("/api/stats/timeline",
                       params={"date_from": "2026-10-25", "date_to": "2026-11-10"}).json()
    assert wide["days"][0] == "2026-10-25" and wide["days"][-1] == "2026-11-10"
    assert len(wide["days"]) == 17
    day_list = [date.fromisoformat(d) for d in wide["days"]]
    assert all(b - a == timedelta(days=1) for a, b in zip(day_list, day_list[1:], strict=False))
    totals = [sum(counts) for counts in zip(*wide["series"].values(), strict=True)]
    assert totals[:7] == [0] * 7 and sum(totals) == 14
    # The same filters as search: words, province.
    narrow = analyst.get("/api/stats/timeline", params={"province": "Nghệ An"}).json()
    assert sum(sum(c) for c in narrow["series"].values()) == 1
    charts = analyst.get("/charts", params={"q": "thuy dien", "province": "Nghệ An"}).text
    assert 'id="filters"' in charts and 'name="q" value="thuy dien"' in charts
    data_query = html_lib.unescape(re.search(r'data-query="([^"]*)"', charts).group(1))
    assert parse_qs(data_query) == {"q": ["thuy dien"], "province": ["Nghệ An"]}
    assert "7 ngày gần nhất" in charts


def test_timeline_fills_days_without_items(tmp_path, seeded_store: ItemStore) -> None:  # type: ignore[no-untyped-def]
    from dashboards.stats import flagged_timeline

    far = make_item("https://mxh.example/far", title="Tin cũ", label="disaster_hoax",
                    score=0.9, published=datetime(2026, 1, 10, 3, tzinfo=UTC))
    seeded_store.upsert([far])
    seeded_store.refresh()
    timeline = flagged_timeline(seeded_store, SearchQuery())
    days = timeline["days"]
    assert isinstance(days, list) and days[0] == "2026-01-10" and days[-1] == "2026-11-06"
    assert len(days) == (date(2026, 11, 6) - date(2026, 1, 10)).days + 1


def test_saved_search_with_a_link_to_share(app: FastAPI, analyst: TestClient) -> None:
    page = analyst.get("/search", params={"q": "thuy dien", "province": "Nghệ An"}).text
    query = html_lib.unescape(re.search(r'name="query" value="([^"]*)"', page).group(1))
    saved = analyst.post("/searches", data={"name": "Vỡ đập Nghệ An", "query": query,
                                            "page": "search", "csrf_token": csrf_of(page)},
                         follow_redirects=True)
    assert saved.status_code == 200 and "Đã lưu tìm kiếm" in saved.text
    link = re.search(r'value="(http://testserver/s/[^"]+)" class="share-link"', saved.text)
    assert link and "Vỡ đập Nghệ An" in saved.text
    # Another signed-in user opens the shared link and sees the same results.
    other = signed_in(app, "lan")
    opened = other.get(link.group(1), follow_redirects=False)
    assert opened.status_code == 303
    target = parse_qs(urlsplit(opened.headers["location"]).query)
    assert target["q"] == ["thuy dien"] and target["province"] == ["Nghệ An"]
    assert _result_ids(other.get(opened.headers["location"]).text) == {XSS.id}
    saved_id = link.group(1).rsplit("/", 1)[1]
    refused = other.post(f"/searches/{saved_id}/delete",
                         data={"csrf_token": csrf_of(other.get("/search").text)})
    assert refused.status_code == 403
    assert analyst.post(f"/searches/{saved_id}/delete", data={"csrf_token": csrf_of(page)},
                        follow_redirects=False).status_code == 303
    assert other.get(link.group(1), follow_redirects=False).status_code == 404


def test_saving_keeps_only_the_filters(analyst: TestClient) -> None:
    page = analyst.get("/search").text
    analyst.post("/searches", data={"name": "x", "query": "q=gio&evil=%3Cscript%3E&label=bogus",
                                    "page": "search", "csrf_token": csrf_of(page)})
    listed = analyst.get("/search").text
    target = re.search(r'<a href="([^"]+)" class="saved-open">x</a>', listed)
    assert target and html_lib.unescape(target.group(1)) == "/search?q=gio&sort=relevance"


def test_language_switch_keeps_the_page_and_its_query(analyst: TestClient) -> None:
    page = analyst.get("/search", params={"q": "điện gió", "label": "solution_myth"}).text
    back = html_lib.unescape(re.search(r'name="back" value="([^"]+)"', page).group(1))
    switched = analyst.post("/lang", data={"lang": "en", "back": back,
                                           "csrf_token": csrf_of(page)}, follow_redirects=False)
    location = switched.headers["location"]
    assert urlsplit(location).path == "/search"
    assert parse_qs(urlsplit(location).query) == {"q": ["điện gió"], "label": ["solution_myth"]}
    assert "Search" in analyst.get(location).text


def test_unknown_pages_are_friendly_and_in_vietnamese(reviewer: TestClient) -> None:
    for path in ("/khong-co-trang-nay", "/items/khong-co-muc-nay"):
        response = reviewer.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Không tìm thấy trang này" in response.text and '{"detail"' not in response.text
        assert 'id="who"' in response.text  # the usual header: the way back is one click
    assert reviewer.get("/api/khong-co").json() == {"detail": "Not Found"}
    wrong_method = reviewer.put("/queue")
    assert wrong_method.status_code == 405
    anonymous = TestClient(reviewer.app).get("/khong-co-trang-nay")
    assert anonymous.status_code == 404 and "Không tìm thấy" in anonymous.text


def test_a_refused_verdict_keeps_what_was_typed(reviewer: TestClient) -> None:
    target = seed_items()[3]
    page = reviewer.get(f"/items/{target.id}").text
    note = "Đã gọi cho UBND xã, họ nói không có chuyện đó"
    refused = reviewer.post(f"/items/{target.id}/verdict", data={
        "verdict": "confirmed", "label": "none", "note": note,
        "evidence": "https://ubnd.example/tb", "csrf_token": csrf_of(page), "back": "/queue",
    })
    assert refused.status_code == 400
    assert "Xác nhận sai lệch cần một nhãn sai lệch" in refused.text
    assert f'id="verdict-note">{note}</textarea>' in refused.text
    assert 'id="verdict-evidence" >https://ubnd.example/tb</textarea>' in refused.text or \
        ">https://ubnd.example/tb</textarea>" in refused.text
    assert re.search(r'value="confirmed" id="verdict-confirmed" required checked', refused.text)
    # The language switch on that page comes back to the item, not to the POST address.
    switch_back = re.search(r'name="back" value="([^"]+)">\s*<button[^>]*id="lang-switch"',
                            refused.text)
    assert switch_back and html_lib.unescape(switch_back.group(1)) == \
        f"/items/{target.id}?back=%2Fqueue"
    missing = reviewer.post(f"/items/{target.id}/verdict",
                            data={"note": note, "csrf_token": csrf_of(page)})
    assert missing.status_code == 400 and "Hãy chọn một kết luận" in missing.text
    assert note in missing.text
    bad_link = reviewer.post(f"/items/{target.id}/verdict", data={
        "verdict": "needs_expert", "note": note, "evidence": "javascript:alert(1)",
        "csrf_token": csrf_of(page)})
    assert bad_link.status_code == 400 and "đường dẫn http(s)" in bad_link.text
    unknown = reviewer.post(f"/items/{target.id}/verdict", data={
        "verdict": "duplicate", "duplicate_of": "khong-co", "csrf_token": csrf_of(page)})
    assert unknown.status_code == 400 and 'value="khong-co"' in unknown.text


def test_one_key_verdict_names_the_item_and_can_be_undone(
    reviewer: TestClient, seeded_store: ItemStore, admin: TestClient
) -> None:
    target = seed_items()[4]
    queue = reviewer.get("/queue").text
    done = reviewer.post("/queue/verdicts", data={
        "verdict": "needs_expert", "item_ids": [target.id], "back": "/queue",
        "csrf_token": csrf_of(queue)}, follow_redirects=True)
    assert "Đã ghi kết luận “Cần chuyên gia”" in done.text
    assert f'<strong id="undo-titles">{target.item.title}</strong>' in done.text
    assert 'id="undo-button"' in done.text and 'data-seconds="10"' in done.text
    assert 'id="undo-form"' not in reviewer.get("/queue").text  # shown once
    undo_value = html_lib.unescape(re.search(r'name="undo" value="([^"]+)"', done.text).group(1))
    # Someone else cannot take it back.
    admin_page = admin.get("/queue").text
    admin.post("/queue/undo", data={"undo": undo_value, "csrf_token": csrf_of(admin_page)})
    seeded_store.refresh()
    assert seeded_store.get(target.id).verdict is not None  # type: ignore[union-attr]
    undone = reviewer.post("/queue/undo", data={"undo": undo_value, "back": "/queue",
                                                "csrf_token": csrf_of(done.text)},
                           follow_redirects=True)
    assert "Đã hoàn tác" in undone.text
    seeded_store.refresh()
    assert seeded_store.get(target.id).verdict is None  # type: ignore[union-attr]
    assert target.id in undone.text  # back in the unreviewed queue
    log = seeded_store.audit_log(item_id=target.id)
    assert [e.verdict.undoes is not None for e in log] == [True, False]
    # Twice is refused, and says so.
    again = reviewer.post("/queue/undo", data={"undo": undo_value,
                                               "csrf_token": csrf_of(undone.text)},
                          follow_redirects=True)
    assert "Không hoàn tác được" in again.text
    audit = admin.get("/audit", params={"item": target.id}).text
    assert audit.count('class="audit-entry') == 2 and "Hoàn tác" in audit


def test_audit_page_names_items_and_links_evidence(
    reviewer: TestClient, admin: TestClient
) -> None:
    target = seed_items()[5]
    page = reviewer.get(f"/items/{target.id}").text
    reviewer.post(f"/items/{target.id}/verdict", data={
        "verdict": "confirmed", "label": "solution_myth", "note": "Đã đối chiếu",
        "evidence": "https://evn.example/thong-cao", "csrf_token": csrf_of(page)})
    audit = admin.get("/audit").text
    assert target.item.title in audit
    assert '<a href="https://evn.example/thong-cao" rel="noopener noreferrer nofollow" ' \
        'target="_blank" class="evidence-link">' in audit
    assert 'id="page-count">Trang 1/1<' in audit or "Trang 1/1" in audit
    by_reviewer = admin.get("/audit", params={"user": "lan"}).text
    assert target.item.title in by_reviewer
    assert target.item.title not in admin.get("/audit", params={"user": "an"}).text


def test_model_labels_and_verdicts_never_look_alike(
    reviewer: TestClient, analyst: TestClient
) -> None:
    target = seed_items()[6]
    page = reviewer.get(f"/items/{target.id}").text
    reviewer.post(f"/items/{target.id}/verdict", data={
        "verdict": "not_misleading", "label": "none", "csrf_token": csrf_of(page)})
    results = analyst.get("/search", params={"q": target.item.title}).text
    row = results.split(f'data-id="{target.id}"', 1)[1].split("</li>", 1)[0]
    model = target.classification.label
    assert re.search(rf'class="tag model[^"]*" data-label="{model}"><span class="who-says">'
                     r'Mô hình:</span>', row)
    assert re.search(r'class="badge verdict-not_misleading" data-verdict="not_misleading">'
                     r'<span class="who-says">Người duyệt:</span>', row)
    queue = reviewer.get("/queue").text
    assert 'class="tag model' in queue and "Chú giải" in queue
    item = reviewer.get(f"/items/{target.id}").text
    assert 'class="badge verdict-not_misleading"' in item


def test_a_failed_sign_in_keeps_the_user_name(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    failed = client.post("/login", data={"username": "lan", "password": "sai-mat-khau",
                                         "csrf_token": token})
    assert failed.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in failed.text
    assert 'name="username" autocomplete="username" required value="lan"' in failed.text
    assert 'value="sai-mat-khau"' not in failed.text
