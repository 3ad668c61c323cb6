"""Collecting the units' replies and evidence files from the office's mailbox (``zhenggai collect``)."""
