"""Unit templates: which rows each unit gets (:mod:`.make`), their signed identity
(:mod:`.meta`) and their file names (:mod:`.names`).
"""
