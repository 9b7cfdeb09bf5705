"""Storing, searching and reviewing items: one interface, an Elasticsearch and a SQLite store."""
