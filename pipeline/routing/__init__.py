"""Routing approved referrals: YAML rules (first match wins) → a destination, delivered."""
