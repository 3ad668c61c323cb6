"""``zhenggai import``: ledgers made elsewhere, read by header and placed into the master."""
