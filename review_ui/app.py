"""The review workspace's FastAPI application factory.

One router per concern under ``review_ui/routers/``: ``health`` and ``auth`` are open, every
other one depends on :func:`review_ui.security.authenticated`. Settings are passed in, never
read from a global, so tests and several instances can run side by side.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.storage import Store
from pipeline.accounts import LoginLimiter
from pipeline.settings import Settings
from review_ui.routers import (
    auth,
    cleanup,
    cleanup_pages,
    documents,
    health,
    loop,
    misc,
    pages,
    referrals,
    routing,
)
from review_ui.security import SignInRequired
from review_ui.uploads import Uploads

HERE = Path(__file__).resolve().parent


async def _sign_in(request: Request, exc: Exception) -> Response:
    """401: JSON for the API, a redirect to the sign-in page for pages."""
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": "sign-in required"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={target}", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 401:
        return await _sign_in(request, exc)
    return JSONResponse(
        {"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
    )


class _NoQueryStrings(logging.Filter):
    """Access-log lines keep the path, never the query string: ``/search?q=Jane+Doe`` is PHI."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def _page_query(query: Any, page: int) -> str:
    """The current query string with another page number (queue pager links)."""
    return urlencode({**dict(query), "page": page})


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The workspace app for ``settings`` (``app.state.settings``, ``app.state.store``)."""
    app = FastAPI(
        title="referral-intake review workspace",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served signed-in by routers.misc at /api/openapi.json
    )
    app.state.settings = settings
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoQueryStrings) for f in access.filters):
        access.addFilter(_NoQueryStrings())
    app.state.store = store or Store(settings.effective_database_url)
    app.state.limiter = LoginLimiter(
        app.state.store, settings.login_max_failures, settings.login_window_s
    )
    app.state.uploads = Uploads(settings, app.state.store)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters["pagequery"] = _page_query
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(health.router)
    app.include_router(auth.router)
    for router in (
        referrals.router,
        documents.router,
        misc.router,
        pages.router,
        cleanup.router,
        routing.router,
        loop.router,
        cleanup_pages.router,
    ):
        app.include_router(router)
    return app
