"""Returned templates: shape and value checks, the three-way merge, consolidation,
the per-unit problem lists and undo.
"""
