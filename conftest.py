"""Loaded before anything is collected (doctests of lib/ and xl_addin/ included)."""

from __future__ import annotations

import os

# xlwings.Book(json=...) is the engine of xlwings Server/Lite, under xlwings/pro/:
# it needs a licence key, read when xlwings is first imported, so set it before
# anything imports xlwings. "noncommercial" is accepted offline; the PolyForm
# Noncommercial licence allows noncommercial purposes and use by government
# institutions, which is what this project is for.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

# No test may read or write the user's real keyring (Windows Credential Manager,
# Keychain, Secret Service): keyring's "fail" backend unless a test sets up
# keyring's file backend through keyring's own config (tests/mail/test_secrets.py).
# An environment variable, so subprocesses get it too.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
