"""Sign-in and sign-out. ``/login`` is, with static files and ``/health``, the only open route.

The sign-in form is protected by a double-submit CSRF cookie (there is no session yet);
failures are rate-limited per name and address and audited without the name's password.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipeline import accounts
from pipeline.review_actions import Actor, record
from review_ui.security import SESSION_COOKIE, authenticated, client_address

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "intake_login_csrf"


def _safe_next(target: str | None) -> str:
    """Only a local path: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _login_page(request: Request, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": token, "error": error, "next": _safe_next(request.query_params.get("next"))},
        status_code=status,
    )
    secure = request.url.scheme == "https"
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form."""
    return _login_page(request)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    """Check the password (argon2), open a session, set the cookie."""
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, "The form expired; please sign in again.", 403)
    app = request.app
    address = client_address(request) or "-"
    if await run_in_threadpool(app.state.limiter.blocked, username, address):
        return _login_page(request, "Too many attempts; wait a few minutes.", 429)
    user = await run_in_threadpool(accounts.authenticate, app.state.store, username, password)
    if user is None:
        await run_in_threadpool(app.state.limiter.failed, username, address)
        return _login_page(request, "Wrong name or password.", 401)
    hours = app.state.settings.session_hours
    session = accounts.open_session(app.state.store, user, hours)
    record(app.state.store, Actor(user, address), "user.sign_in", "user", str(user.id))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.cookie,
        max_age=int(hours * 3600),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session (CSRF-checked like every cookie POST)."""
    user = await authenticated(request)
    accounts.close_session(request.app.state.store, request.cookies.get(SESSION_COOKIE, ""))
    record(
        request.app.state.store,
        Actor(user, client_address(request)),
        "user.sign_out",
        "user",
        str(user.id),
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
