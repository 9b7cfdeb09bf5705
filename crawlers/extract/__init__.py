"""Parsers that turn fetched bytes into data; nothing here touches the network."""
