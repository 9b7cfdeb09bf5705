"""Record types, labels, settings, ids and clock shared by every other package."""
