"""The 电子档案: archived evidence files indexed in the 佐证材料 sheet."""
