"""Documents per second of the whole nlp-and-classify path against underthesea's word_tokenize
alone, on the same texts, in the same run. Target: the whole path costs at most twice as much.

    python bench/classify_bench.py [--repeat 3] [--limit 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from underthesea import word_tokenize  # noqa: E402

from core.records import ClassifyInput  # noqa: E402
from models.corpus import CORPUS_DIR, load_corpus  # noqa: E402
from models.features import item_text  # noqa: E402
from models.predict import NarrativeClassifier  # noqa: E402

TARGET_RATIO = 2.0


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def best_of_interleaved(
    repeat: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, float]:
    """The fastest of ``repeat`` runs of each, alternating: the machine is shared with other
    work, so alternating exposes both sides to the same load and the minimum is least noisy."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(first))
        b.append(timed(second))
    return min(a), min(b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()

    examples = load_corpus(CORPUS_DIR)
    if not examples:
        print("no corpus under models/data/corpus", file=sys.stderr)
        return 1
    # Cycle through the corpus to reach the limit; a suffix keeps every text distinct so no
    # cache anywhere can make repeats free.
    texts = [
        item_text(examples[i % len(examples)].text, examples[i % len(examples)].title)
        + ("" if i < len(examples) else f" ({i})")
        for i in range(args.limit)
    ]
    inputs = [ClassifyInput(id=str(i), text=t) for i, t in enumerate(texts)]
    classifier = NarrativeClassifier.load()
    word_tokenize("khởi động mô hình")  # both sides load their models before timing
    classifier.classify(inputs[:5])

    baseline, whole = best_of_interleaved(
        args.repeat,
        lambda: [word_tokenize(t) for t in texts],
        lambda: classifier.classify(inputs),
    )
    chars = sum(len(t) for t in texts) / len(texts)
    ratio = whole / baseline
    print(f"texts: {len(texts)} (mean {chars:.0f} characters), best of {args.repeat}")
    print(f"underthesea word_tokenize alone: {len(texts) / baseline:8.1f} docs/s")
    print(f"whole nlp + classify path:       {len(texts) / whole:8.1f} docs/s")
    print(f"cost ratio (whole / segmentation): {ratio:.2f}  (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 3


if __name__ == "__main__":
    sys.exit(main())
