"""Answering an upper office's template from this level's master (``zhenggai answer``)."""
