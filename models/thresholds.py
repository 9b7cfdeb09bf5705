"""Decision thresholds of the classifiers, each with the reason for its value."""

from __future__ import annotations

from typing import Final

#: Default score a misleading label needs before the item is flagged. 0.5 is the contract's
#: default (``KIEMCHUNG_FLAG_THRESHOLD``): with calibrated probabilities it means "more likely
#: this narrative than anything else put together", which keeps opinion and debunk items, whose
#: misleading probability is spread over several labels, below the line.
FLAG_THRESHOLD: Final[float] = 0.5

#: Probability of being on topic below which an item is ``irrelevant``. In cross-validation
#: on train + dev, moving it between 0.3 and 0.6 changed flag F1 by less than 0.01; at 0.4 the
#: gate keeps precision 0.80 and recall 0.74 on off-topic items, erring towards showing an
#: on-topic item rather than hiding it from reviewers.
RELEVANCE_THRESHOLD: Final[float] = 0.4

#: A text of at least this many words that never uses a single domain term of the lexicon is
#: off topic, whatever the gate says. The gate learnt from a corpus whose off-topic items are
#: mostly short, and on real articles it rated long off-topic news (gold prices, court cases)
#: as on topic; a long article about environment or energy always names its subject.
LONG_TEXT_WORDS: Final[int] = 60

#: Regularisation of the linear text models (narrative labels, misleading or not; for SGD its
#: alpha is 1 / (C x rows)). The committed search (``models/reports/search.md``) put 1.0 ahead
#: of 0.3 and 3.0 for the SVM and of 0.3 for SGD.
NARRATIVE_C: Final[float] = 1.0

#: The linear text model of both text classifiers (narrative, misleading or not), each with a
#: grouped out-of-fold sigmoid calibration: "svm" (LinearSVC), "logreg" or "sgd" (hinge loss).
#: Chosen by the committed search (``models/search.py``, ``models/reports/search.md``): SGD
#: with C 1.0 came first on flag F1 + macro-F1 (0.927 + 0.796 against 0.925 + 0.795 for
#: LinearSVC, 0.921 + 0.784 for logistic regression at its best C): a difference well inside
#: fold-to-fold noise, so the three are equals on this corpus and the rule picked one.
TEXT_MODEL: Final[str] = "sgd"
#: Class weighting of the text models: "balanced" or None (search as above: None, by 0.0006).
CLASS_WEIGHT: Final[str | None] = None
#: Fewest training texts an n-gram must occur in to become a feature (search as above).
MIN_DF: Final[int] = 2

#: Base rate of misleading items among on-topic items, by source kind: the prior odds that the
#: text's evidence multiplies (Bayes' rule), as a monitoring desk weighs a claim by who made it.
#: Assumptions, not measurements (nobody here has counted a real night's crawl):
#: - "social" posts and "import" files: 15%, about the mix of the development sets the
#:   calibration is fitted on (44 circulated rumours against 245 on-topic news excerpts); when
#:   the development sets are there, training replaces it by the rate chosen on them by
#:   cross-validation (``models.real_eval.choose_post_prior``) and the metadata records it;
#: - "news" outlets: 2%, the issue's "realistic" share of misleading items among relevant ones,
#:   which is generous to outlets (an outlet publishes debunks far more often than hoaxes);
#: - "official" portals: 0.5%.
#: An item of unknown origin keeps the calibrated probability (the calibration data's own base
#: rate, no shift). The model card reports the real-text figures both with these priors and with
#: every item at one prior, so the part the source kind plays is visible.
KIND_PREVALENCE: Final[dict[str, float]] = {
    "social": 0.15,
    "import": 0.15,
    "news": 0.02,
    "official": 0.005,
}
#: Key of ``KIND_PREVALENCE`` for an item whose source kind is not known.
UNKNOWN_KIND: Final[str] = ""
#: Source kinds an item can carry (``core.records.SourceKind``); anything else is unknown.
SOURCE_KINDS: Final[tuple[str, ...]] = ("news", "official", "social", "import")

#: P(misleading) at least, for an item that repeats a fact-checked false claim nearly word for
#: word (``nlp.known_claims.STRONG_THRESHOLD``) and does not itself refute it. High enough that
#: the default threshold flags it, low enough that an operator's stricter threshold (above 0.9)
#: can still hold it for the model's own evidence. Too few such items exist in the development
#: sets (2 rumours, 0 news excerpts) to measure it; it is a stated policy, not an estimate.
STRONG_MATCH_PROBABILITY: Final[float] = 0.9

#: Most opinion items, and most debunks, that may be flagged in the corpus's cross-validation
#: when the hyper-parameter search compares candidates (``models/search.py``).
MAX_FALSE_FLAG_SHARE: Final[float] = 0.05

#: Extra training weight of hard cases: they are rare in the corpus and decide the errors that
#: matter (a debunk quotes the rumour; criticism sounds like an accusation). The values were
#: compared in cross-validation on train + dev: 3/2/2 against 1/1/1 and 5/3/2 (doubling the
#: weight of every opinion item was tried too, and did not help).
HARD_CASE_WEIGHTS: Final[dict[str, float]] = {
    "debunk": 3.0,
    "criticism": 2.0,
    "official_warning": 2.0,
}

#: Regularisation of the relevance gate (logistic regression); the gate is a two-class
#: problem with plenty of data, so it needs little shrinkage.
RELEVANCE_C: Final[float] = 4.0

#: How many top n-gram features are quoted as reasons for a label.
REASON_FEATURES: Final[int] = 3
