"""The alert store on Elasticsearch: ``<prefix>-alerts`` and ``<prefix>-deliveries`` aliases,
each on a versioned index made from ``index/schema``. Writes wait for a refresh, so the next
cycle's search (and the hourly cap) sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, TransportError

from core.alerts import DETECTION_FIELDS, Alert, Delivery
from core.clock import as_utc
from index.alert_reviews import AlertReviews
from index.alert_store import unavailable_on
from index.es_schema import ensure_index, load_schema

ALERTS_SCHEMA_VERSION = 1
DELIVERIES_SCHEMA_VERSION = 1
RETRY_ON_CONFLICT = 5
#: Connection refused and timeouts (API errors such as 404 are not transport errors in v8).
_UNREACHABLE = (TransportError,)


class ElasticAlertStore(AlertReviews):
    """``AlertStore`` on an Elasticsearch 8 cluster, through aliases."""

    def __init__(self, client: Elasticsearch, prefix: str = "kiemchung") -> None:
        self.client = client
        self.alerts_alias = f"{prefix}-alerts"
        self.deliveries_alias = f"{prefix}-deliveries"
        self._alerts_index = f"{self.alerts_alias}-v{ALERTS_SCHEMA_VERSION}"
        self._deliveries_index = f"{self.deliveries_alias}-v{DELIVERIES_SCHEMA_VERSION}"

    def ensure_schema(self) -> None:
        with unavailable_on(*_UNREACHABLE):
            ensure_index(self.client, self.alerts_alias, self._alerts_index,
                         load_schema("alerts"))
            ensure_index(self.client, self.deliveries_alias, self._deliveries_index,
                         load_schema("deliveries"))

    # -- alerts ---------------------------------------------------------------------------
    def save_detection(self, alert: Alert) -> None:
        detection = alert.model_dump(mode="json", include=set(DETECTION_FIELDS))
        fresh = {**detection, "status": "open"}
        with unavailable_on(*_UNREACHABLE):
            self.client.update(
                index=self.alerts_alias, id=alert.id, doc=detection, upsert=fresh,
                retry_on_conflict=RETRY_ON_CONFLICT, refresh="wait_for",
            )

    def get(self, alert_id: str) -> Alert | None:
        with unavailable_on(*_UNREACHABLE):
            try:
                found = self.client.get(index=self.alerts_alias, id=alert_id)
            except NotFoundError:
                return None
        return Alert.model_validate(found["_source"])

    def alerts(
        self, *, detected_since: datetime | None = None, status: str | None = None,
        limit: int = 200,
    ) -> list[Alert]:
        filters: list[dict[str, Any]] = []
        if detected_since is not None:
            filters.append({"range": {"last_detected": {"gte": as_utc(detected_since)
                                                        .isoformat()}}})
        if status is not None:
            filters.append({"term": {"status": status}})
        with unavailable_on(*_UNREACHABLE):
            found = self.client.search(
                index=self.alerts_alias, query={"bool": {"filter": filters}},
                sort=[{"last_detected": "desc"}, {"id": "asc"}], size=min(int(limit), 10_000),
            )
        return [Alert.model_validate(hit["_source"]) for hit in found["hits"]["hits"]]

    def _write_review(self, alert_id: str, values: dict[str, Any]) -> None:
        with unavailable_on(*_UNREACHABLE):
            try:
                self.client.update(
                    index=self.alerts_alias, id=alert_id, doc=values,
                    retry_on_conflict=RETRY_ON_CONFLICT, refresh="wait_for",
                )
            except NotFoundError as exc:
                raise KeyError(f"no alert with id {alert_id}") from exc

    # -- send log -------------------------------------------------------------------------
    def get_delivery(self, delivery_id: str) -> Delivery | None:
        with unavailable_on(*_UNREACHABLE):
            try:
                found = self.client.get(index=self.deliveries_alias, id=delivery_id)
            except NotFoundError:
                return None
        return Delivery.model_validate(found["_source"])

    def put_delivery(self, delivery: Delivery) -> None:
        with unavailable_on(*_UNREACHABLE):
            self.client.index(
                index=self.deliveries_alias, id=delivery.id,
                document=delivery.model_dump(mode="json"), refresh="wait_for",
            )

    def deliveries(
        self, *, channel: str | None = None, status: str | None = None,
        since: datetime | None = None, limit: int = 1000,
    ) -> list[Delivery]:
        filters: list[dict[str, Any]] = []
        if channel is not None:
            filters.append({"term": {"channel": channel}})
        if status is not None:
            filters.append({"term": {"status": status}})
        if since is not None:
            filters.append({"range": {"at": {"gte": as_utc(since).isoformat()}}})
        with unavailable_on(*_UNREACHABLE):
            found = self.client.search(
                index=self.deliveries_alias, query={"bool": {"filter": filters}},
                sort=[{"at": "desc"}, {"id": "asc"}], size=min(int(limit), 10_000),
            )
        return [Delivery.model_validate(hit["_source"]) for hit in found["hits"]["hits"]]

    def close(self) -> None:
        self.client.close()
