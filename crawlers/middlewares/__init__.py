"""Downloader middlewares: address guard and robots.txt policy."""
