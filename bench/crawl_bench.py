"""Pages per minute of our crawler (polite settings, real pipelines) against ``scrapy bench``,
both measured now on this machine. Prints numbers and their ratio; asserts nothing.

    python bench/crawl_bench.py [--pages 300]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from crawlers.localsite import LocalSite  # noqa: E402
from crawlers.runner import crawl  # noqa: E402

DEMO = REPO / "crawlers" / "demo_site"


def build_site(root: Path, pages: int) -> None:
    """``pages`` article pages (copies of demo articles with distinct URLs) and a sitemap."""
    templates = sorted((DEMO / "bai").glob("*.html"))
    (root / "bai").mkdir(parents=True)
    urls = []
    for number in range(pages):
        template = templates[number % len(templates)].read_text("utf-8")
        name = f"bai-kiem-thu-{2000000 + number}.html"
        # A distinct canonical URL and a distinct sentence, so no page is a duplicate.
        page = re.sub(r'href="\{base_url\}/bai/[^"]+"', f'href="{{base_url}}/bai/{name}"', template)
        page = page.replace("</h1>", f" (bản {number})</h1>").replace(
            '<div class="article-body">',
            f'<div class="article-body"><p>Mã trang thử nghiệm số {number}.</p>')
        (root / "bai" / name).write_text(page, "utf-8")
        urls.append(f"  <url><loc>{{base_url}}/bai/{name}</loc></url>")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9">\n' + "\n".join(urls) + "\n</urlset>\n", "utf-8")
    (root / "sources.yaml").write_text(
        "sources:\n  - id: bench\n    kind: sitemap\n    urls: ['{base_url}/sitemap.xml']\n"
        f"    options: {{delay: 0, concurrency: 2, max_items: {pages}}}\n", "utf-8")


def ours(pages: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        build_site(root, pages)
        settings = Settings(data_dir=Path(tmp) / "data", allow_loopback=True)
        with LocalSite(root) as site:
            started = time.perf_counter()
            report = crawl(settings, Path(tmp) / "out.jsonl", sources_file=root / "sources.yaml",
                           base_url=site.base_url)
            elapsed = time.perf_counter() - started
        return report.per_source["bench"].new, elapsed


def scrapy_bench(seconds: int) -> float:
    scrapy = shutil.which("scrapy", path=str(Path(sys.executable).parent)) or "scrapy"
    result = subprocess.run([scrapy, "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                             "-s", "LOG_LEVEL=INFO"], capture_output=True, text=True, timeout=300)
    rates = [float(r) for r in re.findall(r"at (\d+(?:\.\d+)?) pages/min", result.stderr)]
    crawled = re.search(r"'response_received_count': (\d+)", result.stderr)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr)
    if crawled and elapsed:
        return int(crawled.group(1)) / float(elapsed.group(1)) * 60
    return max(rates) if rates else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--bench-seconds", type=int, default=10)
    args = parser.parse_args()
    new, elapsed = ours(args.pages)
    our_rate = new / elapsed * 60
    base_rate = scrapy_bench(args.bench_seconds)
    print(f"kiemchung crawl : {new} pages in {elapsed:.1f} s (child process start included) "
          f"= {our_rate:,.0f} pages/min, 2 concurrent requests per domain, full extraction")
    print(f"scrapy bench    : {base_rate:,.0f} pages/min "
          "(link following, no parsing, 16 concurrent)")
    print(f"ratio           : {our_rate / base_rate:.2f} of scrapy bench")
    return 0


if __name__ == "__main__":
    sys.exit(main())
