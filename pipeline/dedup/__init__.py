"""Duplicate referrals: patient matching that survives OCR, request similarity, proposals.

Pure logic over :class:`pipeline.dedup.candidate.Candidate` records (no database): the
clean-up command builds candidates from stored referrals, ``bench/dedup`` from generated
JSON, and both get the same proposals.
"""
