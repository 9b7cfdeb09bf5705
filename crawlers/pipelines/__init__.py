"""Item pipelines, one per file; their order lives only in ``ITEM_PIPELINES``."""
