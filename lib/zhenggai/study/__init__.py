"""学习强国 points: reading exports, history, per-unit statistics and reminders."""
