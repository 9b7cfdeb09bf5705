"""Interface strings in Vietnamese (the default) and English, chosen by a cookie."""

from __future__ import annotations

from typing import Final

from core.labels import LABEL_NAMES_VI, VERDICT_NAMES_VI

LANGUAGES: Final[tuple[str, ...]] = ("vi", "en")
DEFAULT_LANGUAGE: Final[str] = "vi"

LABEL_NAMES_EN: Final[dict[str, str]] = {
    "irrelevant": "Irrelevant",
    "none": "Not misleading",
    "opinion": "Opinion, criticism",
    "climate_denial": "Climate denial",
    "solution_myth": "Green-solution myth",
    "nuclear_misinfo": "Nuclear misinformation",
    "disaster_hoax": "Disaster hoax",
    "health_pollution": "Pollution health myth",
    "fabricated_policy": "Fabricated policy",
    "green_scam": "Green scam",
}
VERDICT_NAMES_EN: Final[dict[str, str]] = {
    "confirmed": "Confirmed misleading",
    "not_misleading": "Not misleading",
    "needs_expert": "Needs an expert",
    "duplicate": "Duplicate",
}

# key: (Vietnamese, English)
_STRINGS: Final[dict[str, tuple[str, str]]] = {
    "app": ("Kiểm Chứng", "Kiểm Chứng"),
    "queue": ("Hàng đợi", "Queue"),
    "search": ("Tra cứu", "Search"),
    "charts": ("Biểu đồ", "Charts"),
    "audit": ("Nhật ký", "Audit log"),
    "login": ("Đăng nhập", "Sign in"),
    "logout": ("Đăng xuất", "Sign out"),
    "times_in_zone": ("Ngày giờ theo múi giờ", "Dates and times in"),
    "username": ("Tên đăng nhập", "User name"),
    "password": ("Mật khẩu", "Password"),
    "bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "throttled": (
        "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau {minutes} phút.",
        "Too many failed sign-ins. Please try again in {minutes} min.",
    ),
    "throttled_short": (
        "Quá nhiều lần nhập sai mật khẩu. Vui lòng thử lại sau.",
        "Too many wrong passwords. Please try again later.",
    ),
    "busy": (
        "Hệ thống đang bận, vui lòng thử lại sau vài giây.",
        "The server is busy; please try again in a few seconds.",
    ),
    "change_password": ("Đổi mật khẩu", "Change password"),
    "current_password": ("Mật khẩu hiện tại", "Current password"),
    "new_password": ("Mật khẩu mới", "New password"),
    "new_password_again": ("Nhập lại mật khẩu mới", "New password again"),
    "password_hint": (
        "Ít nhất 8 ký tự. Sau khi đổi, mọi phiên đăng nhập khác của bạn sẽ kết thúc.",
        "At least 8 characters. Your other signed-in sessions end when you change it.",
    ),
    "bad_current": ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    "mismatch": ("Hai mật khẩu mới không khớp.", "The two new passwords differ."),
    "weak_password": ("Mật khẩu mới cần 8 đến 1024 ký tự.", "The new password needs 8 to 1024 "
                      "characters."),
    "password_changed": ("Đã đổi mật khẩu.", "Password changed."),
    "label": ("Nhãn", "Label"),
    "source": ("Nguồn", "Source"),
    "status": ("Trạng thái", "Status"),
    "date_from": ("Từ ngày", "From"),
    "date_to": ("Đến ngày", "To"),
    "sort": ("Sắp xếp", "Sort"),
    "by_score": ("Điểm cao trước", "Highest score"),
    "by_recency": ("Mới nhất", "Most recent"),
    "by_relevance": ("Liên quan nhất", "Most relevant"),
    "filter": ("Lọc", "Filter"),
    "all": ("Tất cả", "All"),
    "unreviewed": ("Chưa duyệt", "Not reviewed"),
    "score": ("Điểm", "Score"),
    "date": ("Ngày", "Date"),
    "title": ("Tiêu đề", "Title"),
    "no_items": ("Không có mục nào.", "No items."),
    "items_found": ("mục", "items"),
    "previous": ("Trang trước", "Previous"),
    "next": ("Trang sau", "Next"),
    "shortcuts": (
        "Phím tắt: j/k lên xuống, Enter mở, x chọn, c xác nhận, n không sai lệch, "
        "e cần chuyên gia, d trùng lặp",
        "Keys: j/k move, Enter open, x select, c confirm, n not misleading, "
        "e needs expert, d duplicate",
    ),
    "reasons": ("Lý do gắn cờ", "Why it was flagged"),
    "claims": ("Câu nêu tuyên bố", "Claim sentences"),
    "known_claims": ("Tuyên bố sai đã biết tương tự", "Similar known false claims"),
    "copies": ("Các bản khác của cùng câu chuyện", "Other copies of the same story"),
    "images": ("Chữ đọc được trong ảnh", "Text read from images"),
    "image_n": ("Ảnh", "Image"),
    "no_image_text": ("Không đọc được chữ trong ảnh", "No text read from this image"),
    "official_evidence": ("Nguồn chính thức nói gì", "What official sources say"),
    "matching_passage": ("Đoạn khớp", "Matching passage"),
    "days_apart": ("cách", "apart"),
    "days": ("ngày", "days"),
    "attach_evidence": ("Đính kèm làm bằng chứng", "Attach as evidence"),
    "open_source": ("Mở bài gốc", "Open the source"),
    "unsafe_link": ("Liên kết không an toàn, không mở", "Unsafe link, not opened"),
    "model": ("Mô hình", "Model"),
    "verdict": ("Kết luận", "Verdict"),
    "record_verdict": ("Ghi kết luận", "Record verdict"),
    "note": ("Ghi chú", "Note"),
    "evidence": ("Đường dẫn bằng chứng (mỗi dòng một)", "Evidence links (one per line)"),
    "duplicate_of": ("Trùng với mục (mã)", "Duplicate of item (id)"),
    "current_verdict": ("Kết luận hiện tại", "Current verdict"),
    "history": ("Lịch sử kết luận", "Verdict history"),
    "reviewer": ("Người duyệt", "Reviewer"),
    "when_utc": ("Thời điểm", "When"),
    "before": ("Trước", "Before"),
    "after": ("Sau", "After"),
    "security_log": ("Nhật ký bảo mật", "Security log"),
    "user": ("Người dùng", "User"),
    "action": ("Hành động", "Action"),
    "target": ("Đối tượng", "Target"),
    "client": ("Địa chỉ", "Address"),
    "entries": ("mục", "entries"),
    "page": ("Trang", "Page"),
    "days_in_zone": ("ngày tính theo giờ Việt Nam", "days in Vietnam time"),
    "duplicate_ask": ("Trùng với mục nào?", "A duplicate of which item?"),
    "duplicate_hint": (
        "Dán mã mục hoặc đường dẫn tới trang của mục gốc.",
        "Paste the original item's id or the link to its page.",
    ),
    "cancel": ("Hủy", "Cancel"),
    "edited": ("Đã sửa", "Edited"),
    "edited_title": ("Bài đã được sửa sau khi thu thập", "Edited after it was collected"),
    "edited_version": ("phiên bản", "version"),
    "edited_fetched": ("bản trước thu thập lúc", "previous version collected at"),
    "edited_after_review": (
        "Nội dung thay đổi đáng kể sau khi đã có kết luận: mục quay lại hàng đợi để duyệt lại. "
        "Kết luận cũ vẫn giữ cho đến khi có kết luận mới.",
        "The text changed materially after the verdict: the item is back in the queue. The "
        "verdict stays until a new one is recorded.",
    ),
    "edited_diff": ("Khác biệt so với bản trước (đỏ: bị xóa, xanh: được thêm)",
                    "Difference from the previous version (red: removed, green: added)"),
    "forbidden": ("Bạn không có quyền làm việc này.", "You are not allowed to do this."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "bad_request": ("Yêu cầu không hợp lệ.", "Bad request."),
    "saved": ("Đã ghi kết luận.", "Verdict recorded."),
    "text_query": ("Từ khóa (không cần dấu)", "Words (diacritics optional)"),
    "exact": ("Khớp đúng dấu", "Exact diacritics"),
    "facets": ("Phân nhóm", "Facets"),
    "province": ("Tỉnh, thành", "Province"),
    "entity": ("Thực thể", "Entity"),
    "export_csv": ("Xuất CSV", "Export CSV"),
    "export_json": ("Xuất JSON", "Export JSON"),
    "flagged_over_time": ("Mục bị gắn cờ theo ngày và nhãn", "Flagged items per day by label"),
    "top_sources": ("Nguồn có nhiều mục bị gắn cờ nhất", "Sources with most flagged items"),
    "flagged_only": ("Chỉ mục bị gắn cờ", "Flagged only"),
    "language": ("English", "Tiếng Việt"),
    "item": ("Mục", "Item"),
    "role": ("Vai trò", "Role"),
    "event": ("Sự kiện", "Event"),
    "outcome": ("Kết quả", "Outcome"),
    "page_of": ("Trang {page}/{pages}", "Page {page} of {pages}"),
    "first": ("Trang đầu", "First"),
    "last": ("Trang cuối", "Last"),
    "pagination": ("Phân trang", "Pages"),
    "source_kind": ("Loại nguồn", "Source kind"),
    "kind_news": ("Báo chí", "News"),
    "kind_social": ("Mạng xã hội", "Social media"),
    "kind_import": ("Nhập từ tệp", "Imported"),
    "active_filters": ("Đang lọc theo", "Filtered by"),
    "remove_filter": ("Bỏ lọc", "Remove filter"),
    "clear_filters": ("Xóa mọi bộ lọc", "Clear all filters"),
    "add_filter": ("Lọc theo", "Filter by"),
    "saved_searches": ("Tìm kiếm đã lưu", "Saved searches"),
    "save_search": ("Lưu tìm kiếm này", "Save this search"),
    "search_name": ("Tên tìm kiếm", "Name of the search"),
    "share_link": ("Đường dẫn chia sẻ", "Link to share"),
    "delete": ("Xóa", "Delete"),
    "search_saved": ("Đã lưu tìm kiếm. Gửi đường dẫn chia sẻ cho đồng nghiệp.",
                     "Search saved. Send its link to a colleague."),
    "search_deleted": ("Đã xóa tìm kiếm đã lưu.", "Saved search deleted."),
    "too_many_saved": ("Bạn đã lưu quá nhiều tìm kiếm; hãy xóa bớt.",
                       "You have saved too many searches; delete some first."),
    "no_saved": ("Chưa có tìm kiếm nào được lưu.", "No saved searches yet."),
    "model_label": ("Nhãn mô hình", "Model label"),
    "model_says": ("Mô hình", "Model"),
    "reviewer_says": ("Người duyệt", "Reviewer"),
    "legend": ("Chú giải: nhãn viền nét đứt do mô hình gán; nhãn nền đặc là kết luận của "
               "người duyệt.", "Key: dashed outline = the model's label; solid badge = a "
               "reviewer's verdict."),
    "not_found_title": ("Không tìm thấy trang này", "This page does not exist"),
    "not_found_hint": ("Đường dẫn có thể bị gõ sai, hoặc mục đã bị xóa theo chính sách lưu trữ.",
                       "The link may be mistyped, or the item was removed by the retention "
                       "policy."),
    "forbidden_hint": ("Tài khoản của bạn không có vai trò cần cho trang này. Hãy hỏi quản trị "
                       "viên nếu bạn cần quyền.", "Your account's role cannot open this page. Ask "
                       "an administrator if you need access."),
    "bad_request_hint": ("Hãy quay lại trang trước và kiểm tra những gì đã nhập.",
                         "Go back and check what was entered."),
    "unavailable": ("Chỉ mục tạm thời không truy cập được.", "The index is unavailable."),
    "unavailable_hint": ("Vui lòng thử lại sau ít phút. Không có dữ liệu nào bị mất.",
                         "Please try again in a few minutes. No data was lost."),
    "method_not_allowed": ("Không thể mở trang này theo cách đó.",
                           "This page cannot be opened that way."),
    "go_home": ("Về trang chính", "Go to the start page"),
    "go_search": ("Mở trang tra cứu", "Open search"),
    "form_error": ("Chưa ghi được kết luận", "The verdict was not recorded"),
    "err_verdict_missing": ("Hãy chọn một kết luận.", "Choose a verdict."),
    "err_confirmed_label": ("Xác nhận sai lệch cần một nhãn sai lệch (ví dụ: Tin giả về thiên "
                            "tai, sự cố).", "A confirmed item needs a misleading label."),
    "err_false_positive_label": ("Kết luận “Không sai lệch” chỉ đi với nhãn Không sai lệch, "
                                 "Ý kiến hoặc Không liên quan.", "“Not misleading” takes the "
                                 "label none, opinion or irrelevant."),
    "err_duplicate_missing": ("Kết luận trùng lặp cần mã hoặc đường dẫn của mục gốc.",
                              "A duplicate needs the original item's id or link."),
    "err_duplicate_self": ("Một mục không thể trùng với chính nó.",
                           "An item cannot duplicate itself."),
    "err_duplicate_unknown": ("Không có mục nào với mã đã nhập ở ô “Trùng với mục”.",
                              "No item has the id typed as the original."),
    "err_duplicate_only": ("Chỉ kết luận trùng lặp mới ghi mục gốc.",
                           "Only a duplicate names an original item."),
    "err_evidence": ("Bằng chứng phải là đường dẫn http(s), mỗi dòng một, tối đa 10.",
                     "Evidence must be http(s) links, one a line, at most 10."),
    "err_other": ("Kết luận không hợp lệ.", "The verdict is not valid."),
    "undo": ("Hoàn tác", "Undo"),
    "recorded_as": ("Đã ghi kết luận “{verdict}” cho: {titles}", "Recorded “{verdict}” for: "
                    "{titles}"),
    "undone": ("Đã hoàn tác; mục trở lại trạng thái trước.",
               "Undone; the item is back as it was."),
    "undo_refused": ("Không hoàn tác được: đã quá thời gian hoặc đã có kết luận mới hơn.",
                     "Could not undo: too late, or a newer verdict was recorded."),
    "undo_entry": ("Hoàn tác", "Undone"),
    "undid": ("hoàn tác kết luận", "undid the verdict"),
    "range": ("Khoảng thời gian", "Range"),
    "last_days": ("{n} ngày gần nhất", "Last {n} days"),
    "whole_range": ("Toàn bộ", "All time"),
    "no_chart_data": ("Không có mục bị gắn cờ nào khớp bộ lọc trong khoảng này.",
                      "No flagged item matches the filters in this range."),
    "skip_to_content": ("Bỏ qua đến nội dung chính", "Skip to main content"),
    "results": ("Kết quả", "Results"),
    "choose_item": ("Chọn mục", "Select item"),
    "all_statuses": ("Mọi trạng thái", "Every status"),
    "item_id": ("Mã mục", "Item id"),
    # surge alerts and story timelines
    "alerts": ("Cảnh báo", "Alerts"),
    "alert": ("Cảnh báo tăng đột biến", "Surge alert"),
    "alerts_intro": ("Số bài bị gắn cờ của một chủ đề, một tin sai đã biết hoặc một tỉnh tăng "
                     "vọt so với mức thường ngày của chính nó. Cảnh báo không kết luận bài nào "
                     "sai: chỉ kết luận của người kiểm duyệt mới có giá trị.",
                     "Flagged items of a narrative, a known false claim or a province grew far "
                     "beyond their own usual level. An alert decides nothing about any item: "
                     "only a reviewer's verdict does."),
    "alerts_none": ("Không có cảnh báo nào ở mục này.", "No alert here."),
    "alert_open": ("Đang mở", "Open"),
    "alert_snoozed": ("Tạm ẩn", "Snoozed"),
    "alert_acknowledged": ("Đã xử lý", "Acknowledged"),
    "alert_all": ("Tất cả", "All"),
    "alert_reopened": ("Đã mở lại cảnh báo", "Alert reopened"),
    "acknowledge": ("Đánh dấu đã xử lý", "Acknowledge"),
    "snooze": ("Tạm ẩn", "Snooze"),
    "snooze_for": ("Tạm ẩn trong", "Snooze for"),
    "hours": ("giờ", "hours"),
    "reopen": ("Mở lại", "Reopen"),
    "snoozed_until": ("Tạm ẩn đến", "Snoozed until"),
    "acknowledged_by": ("Đã xử lý bởi", "Acknowledged by"),
    "first_detected": ("Phát hiện lúc", "Detected"),
    "last_detected": ("Cập nhật lúc", "Last detected"),
    "story_started": ("Bài đầu tiên", "First copy"),
    "copy_count": ("Số bài", "Copies"),
    "surge_keys": ("Tăng đột biến theo", "Surging"),
    "observed": ("Trong cửa sổ", "In the window"),
    "expected": ("Bình thường", "Usual"),
    "window_hours": ("Cửa sổ (giờ)", "Window (hours)"),
    "dim_claim": ("Tin sai đã biết", "Known claim"),
    "dim_province": ("Tỉnh, thành", "Province"),
    "dim_label": ("Chủ đề", "Narrative"),
    "known_claim": ("Tin sai đã kiểm chứng", "Known false claim"),
    "timeline": ("Diễn biến", "Timeline"),
    "timeline_of_claim": ("Diễn biến của tin sai", "Timeline of the claim"),
    "timeline_hint": ("Mỗi hàng là một nguồn, mỗi chấm là một bài; đường bậc thang là tổng số "
                      "bài; vạch xanh là lúc có thông tin chính thức bác bỏ.",
                      "One row per source, one dot per copy; the steps are the running count "
                      "of copies; a green line marks an official denial."),
    "official_denial": ("Thông tin chính thức", "Official word"),
    "no_denial": ("Chưa thấy thông tin chính thức bác bỏ từ các nguồn chính thức.",
                  "No official denial found among the official sources yet."),
    "denial_after": ("Thông tin chính thức đầu tiên sau bài đầu tiên", "First official word after "
                     "the first copy"),
    "minutes": ("phút", "minutes"),
    "sources_count": ("Số nguồn", "Sources"),
    "days_back": ("Số ngày gần nhất", "Last days"),
    "time_vn": ("Thời điểm (giờ Việt Nam)", "Time (Vietnam)"),
    "show": ("Xem", "Show"),
}


def pick_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


class Translator:
    """``t("queue")`` in the chosen language; label and verdict names too."""

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self._index = LANGUAGES.index(self.language)

    def __call__(self, key: str) -> str:
        pair = _STRINGS.get(key)
        return pair[self._index] if pair else key

    def label(self, label: str | None) -> str:
        if not label:
            return ""
        names = LABEL_NAMES_VI if self.language == "vi" else LABEL_NAMES_EN
        return names.get(label, label)

    def verdict(self, verdict: str | None) -> str:
        if not verdict:
            return self("unreviewed")
        names = VERDICT_NAMES_VI if self.language == "vi" else VERDICT_NAMES_EN
        return names.get(verdict, verdict)

    @property
    def other_language(self) -> str:
        return "en" if self.language == "vi" else "vi"
