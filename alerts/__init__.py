"""Fast response: surge detection, alert records, notifications by e-mail and signed webhook.

Imports point one way: this package uses ``core``, ``nlp`` and ``index``; ``flows`` and
``dashboards`` use it.
"""
