"""Deadlines against today: tiers, the 统计 sheet, the overdue run and the 回头看 review."""
