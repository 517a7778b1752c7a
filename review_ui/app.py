"""The review workspace's FastAPI application factory.

One router per concern under ``review_ui/routers/`` (``health`` for now; the review screens
come with the review-workspace issue). Settings are passed in, never read from a global, so
tests and several instances can run side by side.
"""

from __future__ import annotations

from fastapi import FastAPI

from pipeline.settings import Settings
from review_ui.routers import health


def create_app(settings: Settings) -> FastAPI:
    """The workspace app for ``settings`` (``app.state.settings``)."""
    app = FastAPI(title="referral-intake", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.include_router(health.router)
    return app
