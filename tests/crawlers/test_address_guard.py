"""One address policy for every fetch: unit checks of the policy, then ``kiemchung extract`` and a
real Scrapy crawl inside a network namespace that has only loopback, where the forbidden
addresses answer with a canary page if a fetch ever reaches them."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from crawlers.net.address_policy import address_refusal, first_refusal, url_refusal
from tests.conftest import require
from tests.crawlers.netns import (
    PUBLIC_ADDRESS,
    REPO_ROOT,
    in_namespace,
    loopback_namespace,
    namespace_problem,
    site_in_namespace,
)

CANARY = "CANARY-METADATA-SECRET"
INWARD_ADDRESSES = ("10.0.0.1", "100.100.100.200", "169.254.169.254")


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "0.0.0.0", "169.254.169.254",
    "100.100.100.200", "100.64.0.1", "192.0.0.8", "192.0.0.170", "198.18.0.1", "224.0.0.251",
    "239.255.255.250", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
    "2002:a00:1::1",          # 6to4 of 10.0.0.1
    "2002:7f00:1::1",         # 6to4 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",     # NAT64 of 169.254.169.254
    "64:ff9b::6464:64c8",     # NAT64 of 100.100.100.200
    "64:ff9b:1::a00:1",       # local-use NAT64
    "2001:db8::1",
])
def test_inward_addresses_are_refused(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", [
    "8.8.8.8", "1.2.3.4", "203.162.4.190", "2001:4860:4860::8888", "::ffff:8.8.8.8",
    "2002:808:808::1", "64:ff9b::808:808",
])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_loopback_only_when_allowed() -> None:
    for text in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        address = ipaddress.ip_address(text)
        assert address_refusal(address) is not None
        assert address_refusal(address, allow_loopback=True) is None
    # a 6to4 address is routed out through a relay, never to this machine's loopback
    assert address_refusal(ipaddress.ip_address("2002:7f00:1::1"), allow_loopback=True)


def test_one_bad_answer_refuses_the_host_and_schemes_are_checked() -> None:
    assert first_refusal(["8.8.8.8", "10.1.2.3"]) is not None
    assert first_refusal(["8.8.8.8"]) is None
    assert url_refusal("file", "") is not None
    assert url_refusal("gopher", "example.org") is not None
    assert url_refusal("http", "[::ffff:a9fe:a9fe]") is not None
    assert url_refusal("https", "example.org") is None  # names are checked once resolved


# -- inside a namespace with only loopback ------------------------------------------------------

@pytest.fixture(scope="module")
def namespace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    problem = namespace_problem()
    require(problem is None, f"no network namespace: {problem}")
    root = tmp_path_factory.mktemp("canary")
    canary = (f"<html><head><title>{CANARY}</title></head><body><article><h1>{CANARY}</h1>"
              + "<p>Khóa truy cập bí mật của máy chủ siêu dữ liệu, không được lộ ra.</p>" * 5
              + "</article></body></html>")
    # every page a forbidden fetch could ask for exists, so a leak would show the canary
    for page in ("index.html", "latest/meta-data/index.html", "a-1000001.html",
                 "b-1000002.html", "c-1000003.html", "d-1000004.html", "e-1000005.html"):
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        (root / page).write_text(canary, encoding="utf-8")
    (root / "sitemap.xml").write_text(_sitemap(), encoding="utf-8")
    try:
        made = loopback_namespace([PUBLIC_ADDRESS, *INWARD_ADDRESSES])
        name = made.__enter__()
    except (OSError, subprocess.CalledProcessError) as exc:
        require(False, f"cannot create a network namespace: {getattr(exc, 'stderr', exc)}")
        raise
    try:
        with site_in_namespace(name, root):
            yield name
    finally:
        made.__exit__(None, None, None)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("KIEMCHUNG_") and key.lower() not in {"http_proxy", "https_proxy"}}
    env.update(PYTHONPATH=str(REPO_ROOT), KIEMCHUNG_DATA_DIR=str(tmp_path / "data"),
               KIEMCHUNG_ALLOW_LOOPBACK="false")
    return env


def _extract(namespace: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        in_namespace(namespace, sys.executable, "-m", "cli.main", "extract", url),
        cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=120,
    )


def _via_redirect(target: str) -> str:
    return f"http://{PUBLIC_ADDRESS}/_special/redirect?to={quote(target, safe='')}"


def test_extract_reaches_a_public_address_in_the_namespace(namespace: str,
                                                           tmp_path: Path) -> None:
    """The control: the canary is reachable, so the refusals below are the guard's doing."""
    done = _extract(namespace, _via_redirect(f"http://{PUBLIC_ADDRESS}/"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == CANARY


@pytest.mark.parametrize("target", [
    "http://10.0.0.1/",
    "http://100.100.100.200/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",     # 127.0.0.1 written as one decimal number
    "http://localhost/",      # a name that resolves to loopback
])
def test_extract_refuses_a_redirect_inward(namespace: str, tmp_path: Path, target: str) -> None:
    done = _extract(namespace, _via_redirect(target), tmp_path)
    assert CANARY not in done.stdout
    assert done.returncode != 0
    assert "refused" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def _sitemap() -> str:
    urls = [f"http://{PUBLIC_ADDRESS}/", "http://localhost/a-1000001.html",
            "http://2130706433/b-1000002.html", "http://[::ffff:127.0.0.1]/c-1000003.html",
            _via_redirect("http://100.100.100.200/d-1000004.html").replace("&", "&amp;"),
            _via_redirect("http://[64:ff9b::a9fe:a9fe]/e-1000005.html").replace("&", "&amp;")]
    body = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>')


def test_crawler_refuses_inward_hosts_by_name_and_by_redirect(namespace: str,
                                                             tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - id: ns-sitemap\n    kind: sitemap\n"
        f"    urls: ['http://{PUBLIC_ADDRESS}/sitemap.xml']\n"
        "    options: {delay: 0.01, timeout: 20}\n", encoding="utf-8")
    out = tmp_path / "items.jsonl"
    done = subprocess.run(
        in_namespace(namespace, sys.executable, "-m", "cli.main", "crawl", "--sources-file",
                     str(sources), "--out", str(out), "--no-progress"),
        cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=300,
    )
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    # the public page is crawled (the canary is what the public address serves) ...
    assert [item["url"] for item in items] == [f"http://{PUBLIC_ADDRESS}/"], done.stdout
    # ... and the five inward pages are refused by name, not fetched
    assert "refused address) 5" in done.stdout, done.stdout
    assert "một phần (partial)" in done.stdout
    assert done.returncode == 1
