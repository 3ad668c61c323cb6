"""The demo ledger, demo returns and demo study exports used by ``init --demo`` and ``make demo``."""
