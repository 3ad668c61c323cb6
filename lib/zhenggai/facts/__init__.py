"""What the ledger says on a given day, derived once per command.

Warning tiers (:mod:`.tiers`, every deadline parsed once), per-unit statistics
(:mod:`.stats`), the ledger grouped into categories, findings and measures
(:mod:`.measures`) and the latest batch's return punctuality
(:mod:`.punctuality`) are computed together into one read-only
:class:`~.ledger_facts.LedgerFacts`, which ``overdue``, the bulletin, the
report and reminders read. Two outputs of one command therefore cannot
disagree on a count, a date or a rate.
"""
