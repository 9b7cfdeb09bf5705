"""Where alerts and the notification send log are kept, beside the items: the interface and
the factory. Additive to the item store: its own table (SQLite) or indices (Elasticsearch).

People's fields of an alert (status, snooze, acknowledgement) are written only by
``acknowledge``, ``snooze`` and ``reopen``; ``save_detection`` writes the detection fields and
leaves those alone, so a later detection cycle never undoes what a reviewer did.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol, runtime_checkable

from core.alerts import Alert, Delivery
from core.settings import Settings
from index.store import StoreUnavailable

ALERTS_FILE_NAME = "alerts.sqlite3"


@runtime_checkable
class AlertStore(Protocol):
    """Alerts and deliveries. Implementations: ``SqliteAlertStore``, ``ElasticAlertStore``."""

    def ensure_schema(self) -> None:
        """Create the table or indices if missing. Safe to call any number of times."""

    def save_detection(self, alert: Alert) -> None:
        """Create the alert, or update its detection fields; people's fields are kept."""

    def get(self, alert_id: str) -> Alert | None:
        """The alert with that id, or ``None``."""

    def alerts(
        self, *, detected_since: datetime | None = None, status: str | None = None,
        limit: int = 200,
    ) -> list[Alert]:
        """Alerts last detected at or after ``detected_since``, most recently detected first."""

    def acknowledge(self, alert_id: str, user: str, at: datetime) -> Alert:
        """Mark the alert seen and handled by ``user``; raises ``KeyError`` when unknown."""

    def snooze(self, alert_id: str, until: datetime, user: str, at: datetime) -> Alert:
        """Hide the alert and hold its notifications until ``until``."""

    def reopen(self, alert_id: str) -> Alert:
        """Back to open: no acknowledgement, no snooze."""

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        """One entry of the send log."""

    def put_delivery(self, delivery: Delivery) -> None:
        """Write an entry of the send log (by id: writing it again replaces it)."""

    def deliveries(
        self, *, channel: str | None = None, status: str | None = None,
        since: datetime | None = None, limit: int = 1000,
    ) -> list[Delivery]:
        """Entries of the send log, newest first."""

    def close(self) -> None:
        """Release connections."""


def open_alert_store(settings: Settings) -> AlertStore:
    """The alert store beside the configured item store, its schema ensured."""
    store: AlertStore
    if settings.uses_elasticsearch:
        from index.alert_store_es import ElasticAlertStore
        from index.es_store import client_from_settings

        store = ElasticAlertStore(client_from_settings(settings), prefix=settings.index_prefix)
    else:
        from index.alert_store_sqlite import SqliteAlertStore

        store = SqliteAlertStore(settings.data_dir / ALERTS_FILE_NAME)
    store.ensure_schema()
    return store


@contextmanager
def unavailable_on(*errors: type[BaseException]) -> Iterator[None]:
    """Turn the given connection errors into ``StoreUnavailable``."""
    try:
        yield
    except errors as exc:
        raise StoreUnavailable(f"the alert store is unreachable: {exc}") from exc
