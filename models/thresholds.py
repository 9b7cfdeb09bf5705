"""Decision thresholds of the classifiers, each with the reason for its value."""

from __future__ import annotations

from typing import Final

#: Default score a misleading label needs before the item is flagged. 0.5 is the contract's
#: default (``KIEMCHUNG_FLAG_THRESHOLD``): with calibrated probabilities it means "more likely
#: this narrative than anything else put together", which keeps opinion and debunk items, whose
#: misleading probability is spread over several labels, below the line.
FLAG_THRESHOLD: Final[float] = 0.5

#: Probability of being on topic below which an item is ``irrelevant``. Below 0.5 because a
#: missed on-topic item is never seen by a reviewer while an off-topic one costs a glance;
#: the gate's errors on dev sit mostly between 0.3 and 0.5 on the relevant side.
RELEVANCE_THRESHOLD: Final[float] = 0.4

#: Regularisation strengths tried for the narrative classifier; the one with the best dev
#: score (flag F1 plus misleading macro-F1) is kept. The test split never takes part.
NARRATIVE_C_GRID: Final[tuple[float, ...]] = (0.1, 0.3, 1.0)

#: Regularisation of the relevance gate (logistic regression); the gate is a two-class
#: problem with plenty of data, so it needs little shrinkage.
RELEVANCE_C: Final[float] = 4.0

#: How many top n-gram features are quoted as reasons for a label.
REASON_FEATURES: Final[int] = 3
