"""Drafted documents: the report and bulletin text (Jinja2 wording) and the GB/T 9704 Word file."""
