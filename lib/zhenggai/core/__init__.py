"""Plain data and rules: grids, text, the field spec, settings, the ledger, change sets,
output-sheet logs, deadlines, workdays and the 销号 checks.

Nothing here opens a file or imports a file, format or UI library; the import
contract in ``make test`` keeps it so.
"""
