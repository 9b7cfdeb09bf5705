"""Periodic reports for leadership: counts, trends and confirmed items, as HTML and PDF."""
