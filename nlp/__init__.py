"""Vietnamese text processing: normalisation, segmentation, spaCy pipeline, known-claim matching."""
