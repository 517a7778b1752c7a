"""Held-out synthetic referral set, written apart from the extractors and the main generator.

Its only purpose is measurement: the extractors were tuned on ``samples/generate``; this set
was written from the field contract and a description of real-world documents alone, without
reading the extractors or the other generator, so its scores show how well they generalise.
Extractor developers look only at its scores (``bench.accuracy --set heldout``).
"""
