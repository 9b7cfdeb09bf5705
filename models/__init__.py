"""Trainable classifiers of Kiểm Chứng: relevance gate, narrative classifier, their artefacts."""

#: Version of the model code; the artefact version adds a digest of the training data.
__version__ = "0.1"
