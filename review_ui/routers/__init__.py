"""Routers of the review workspace, one module per concern."""
