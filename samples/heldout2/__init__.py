"""Second held-out referral set: layouts written apart from the extractors and the other sets.

Extractor developers must not read this package or its documents, only its scores
(``python -m bench.accuracy --set heldout2``).
"""
