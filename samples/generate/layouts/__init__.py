"""One module per document layout; each exposes ``build(ctx, **opts) -> Doc``."""
