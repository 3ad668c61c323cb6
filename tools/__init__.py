"""Build and release tooling: message catalogues, offline bundles, README pictures.

Not part of the installed package; run from a checkout (see the Makefile).
"""
