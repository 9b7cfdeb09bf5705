"""The alert store on SQLite, in its own file beside the embedded item store."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from core.alerts import DETECTION_FIELDS, Alert, Delivery
from core.clock import as_utc
from index.alert_reviews import AlertReviews
from index.sqlite_file import SqliteFile, setup_lock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY,
    detection TEXT NOT NULL,
    review TEXT NOT NULL DEFAULT '{}',
    last_detected TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_last_detected ON alerts(last_detected);
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_channel_at ON deliveries(channel, at);
"""


def _stamp(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")


class SqliteAlertStore(SqliteFile, AlertReviews):
    """``AlertStore`` on one SQLite file; safe to share between threads of one process."""

    def ensure_schema(self) -> None:
        with self._lock, setup_lock(self.path):
            self._db.executescript(_SCHEMA)

    # -- alerts ---------------------------------------------------------------------------
    def save_detection(self, alert: Alert) -> None:
        detection = alert.model_dump(mode="json", include=set(DETECTION_FIELDS))
        with self._transaction() as db:
            db.execute(
                """INSERT INTO alerts (id, detection, last_detected) VALUES (?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET detection = excluded.detection,
                       last_detected = excluded.last_detected""",
                (alert.id, json.dumps(detection, ensure_ascii=False),
                 _stamp(alert.last_detected)),
            )

    @staticmethod
    def _alert(row: sqlite3.Row) -> Alert:
        data: dict[str, Any] = json.loads(row["detection"])
        data.update(json.loads(row["review"]))
        return Alert.model_validate(data)

    def get(self, alert_id: str) -> Alert | None:
        with self._lock:
            row = self._db.execute(
                "SELECT detection, review FROM alerts WHERE id = ?", (alert_id,)
            ).fetchone()
        return None if row is None else self._alert(row)

    def alerts(
        self, *, detected_since: datetime | None = None, status: str | None = None,
        limit: int = 200,
    ) -> list[Alert]:
        clauses, params = ["1"], []
        if detected_since is not None:
            clauses.append("last_detected >= ?")
            params.append(_stamp(detected_since))
        if status is not None:
            clauses.append("coalesce(json_extract(review, '$.status'), 'open') = ?")
            params.append(status)
        with self._lock:
            rows = self._db.execute(
                f"SELECT detection, review FROM alerts WHERE {' AND '.join(clauses)} "
                "ORDER BY last_detected DESC, id LIMIT ?", [*params, int(limit)],
            ).fetchall()
        return [self._alert(row) for row in rows]

    def _write_review(self, alert_id: str, values: dict[str, Any]) -> None:
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE alerts SET review = ? WHERE id = ?",
                (json.dumps(values, ensure_ascii=False), alert_id),
            ).rowcount
        if not updated:
            raise KeyError(f"no alert with id {alert_id}")

    # -- send log -------------------------------------------------------------------------
    def get_delivery(self, delivery_id: str) -> Delivery | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM deliveries WHERE id = ?", (delivery_id,)
            ).fetchone()
        return None if row is None else Delivery.model_validate_json(row["doc"])

    def put_delivery(self, delivery: Delivery) -> None:
        with self._transaction() as db:
            db.execute(
                """INSERT INTO deliveries (id, doc, channel, status, at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET doc = excluded.doc,
                       channel = excluded.channel, status = excluded.status, at = excluded.at""",
                (delivery.id, delivery.model_dump_json(), delivery.channel, delivery.status,
                 _stamp(delivery.at)),
            )

    def deliveries(
        self, *, channel: str | None = None, status: str | None = None,
        since: datetime | None = None, limit: int = 1000,
    ) -> list[Delivery]:
        clauses, params = ["1"], []
        if channel is not None:
            clauses.append("channel = ?")
            params.append(channel)
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if since is not None:
            clauses.append("at >= ?")
            params.append(_stamp(since))
        with self._lock:
            rows = self._db.execute(
                f"SELECT doc FROM deliveries WHERE {' AND '.join(clauses)} "
                "ORDER BY at DESC, id LIMIT ?", [*params, int(limit)],
            ).fetchall()
        return [Delivery.model_validate_json(row["doc"]) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
