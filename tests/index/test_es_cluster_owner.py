"""Elasticsearch as a cluster owner expects it: shard and replica counts are settings a
migration keeps, opening a store on an up-to-date index changes no mapping, both API-key
forms work, and a TLS failure is named as one."""

from __future__ import annotations

import base64
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from core.settings import Settings
from index.es_schema import load_schema
from index.factory import open_store
from index.store import StoreUnavailable
from tests.es_proxy import RecordingRelay

#: Requests that change an index's mapping, settings, aliases or templates, or create one.
ADMIN_CALL_MARKERS = ("/_mapping", "/_settings", "/_alias", "/_template", "/_index_template")


def _admin_calls(calls: list[str]) -> list[str]:
    changing = [c for c in calls if not c.startswith(("GET ", "HEAD "))]
    return [c for c in changing
            if any(marker in c for marker in ADMIN_CALL_MARKERS)
            or (c.startswith("PUT ") and c.count("/") == 1)]  # PUT /index: creation


def _index_settings(client: Elasticsearch, alias: str) -> dict[str, str]:
    (body,) = client.indices.get_settings(index=alias).values()
    index = body["settings"]["index"]
    return {"shards": index["number_of_shards"], "replicas": index["number_of_replicas"]}


def test_shards_and_replicas_are_settings_a_migration_keeps(
    es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix, es_shards=2)
    store = open_store(settings)
    client = Elasticsearch(es_url)
    alias = f"{es_prefix}-items"
    assert _index_settings(client, alias) == {"shards": "2", "replicas": "0"}

    # The cluster owner raises replicas by hand (a one-node cluster stays yellow: fine here).
    client.indices.put_settings(index=alias, settings={"index": {"number_of_replicas": 1}})
    report = store.migrate()
    assert report.target != report.source
    assert _index_settings(client, alias) == {"shards": "2", "replicas": "1"}
    store.close()
    client.close()


def test_opening_an_up_to_date_store_changes_no_mapping_or_setting(
    es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    with RecordingRelay(es_url) as relay:
        settings = Settings(data_dir=tmp_path, es_url=relay.url, index_prefix=es_prefix)
        open_store(settings).close()  # setup: creates the indices (admin credentials)
        assert _admin_calls(relay.calls())  # the check below can see such calls
        relay.clear()

        open_store(settings).close()  # what every nightly run, worker and page does
        assert relay.calls()  # it did talk to the node
        assert _admin_calls(relay.calls()) == []


def test_a_field_added_to_the_schema_is_put_on_an_older_index(
    es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix)
    client = Elasticsearch(es_url)
    open_store(settings).close()
    alias = f"{es_prefix}-items"
    (index,) = client.indices.get_alias(name=alias)
    # An index made before one of its fields existed: recreate it without that field.
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    dropped = next(iter(mapping["properties"]))
    del mapping["properties"][dropped]
    client.indices.delete(index=index)
    client.indices.create(index=index, mappings=mapping, aliases={alias: {}},
                          settings=load_schema("items")["settings"])

    open_store(settings).close()
    live = client.indices.get_mapping(index=alias)[index]["mappings"]["properties"]
    assert dropped in live
    client.close()


@pytest.mark.parametrize("form", ["encoded", "id:api_key"])
def test_both_api_key_forms_send_the_same_credentials(
    es_url: str, es_prefix: str, tmp_path: Path, form: str
) -> None:
    key_id, secret = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
    encoded = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    value = encoded if form == "encoded" else f"{key_id}:{secret}"
    with RecordingRelay(es_url) as relay:
        settings = Settings(data_dir=tmp_path, es_url=relay.url, index_prefix=es_prefix,
                            es_api_key=value)
        open_store(settings).close()  # the node has no security module: it ignores the key
    assert relay.seen
    assert {seen.headers.get("authorization") for seen in relay.seen} == {f"ApiKey {encoded}"}


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on loopback with a certificate no CA in the bundle signed; yields its
    URL and an unrelated CA's certificate."""
    def make(name: str) -> tuple[Path, Path]:
        key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        return key, cert

    key, cert = make("server")
    _, other_ca = make("other-ca")
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", other_ca
    finally:
        server.shutdown()
        server.server_close()


def test_a_certificate_the_ca_did_not_sign_is_named_a_tls_error(
    tls_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, other_ca = tls_server
    settings = Settings(data_dir=tmp_path, es_url=url, es_ca_certs=str(other_ca))
    with pytest.raises(StoreUnavailable) as raised:
        open_store(settings)
    message = str(raised.value)
    assert "TLS error" in message and "KIEMCHUNG_ES_CA_CERTS" in message
    assert "certificate verify failed" in message
    assert "unreachable" not in message
