"""The app serves the leadership report as PDF through the ``reports`` package."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_analysts_download_a_period_report_as_pdf(
    analyst: TestClient, reviewer: TestClient
) -> None:
    response = analyst.get("/api/report", params={"period": "2026-11"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="kiemchung-2026-11.pdf"' in response.headers["content-disposition"]
    assert analyst.get("/api/report", params={"period": "tháng 13"}).status_code == 422
    assert reviewer.get("/api/report", params={"period": "2026-11"}).status_code == 403
