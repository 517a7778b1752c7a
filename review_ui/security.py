"""Who is asking: a session cookie or an ``Authorization: Bearer`` token, and CSRF for cookies.

Every router except sign-in, static files and ``/health`` depends on :func:`authenticated`,
so a new route is closed by default (``tests/review_ui/test_security.py`` walks the OpenAPI
schema to prove it). A cookie-authenticated request that changes something must carry the
session's CSRF token (``X-CSRF-Token`` header, or a ``csrf_token`` form field); a bearer
token is not sent by browsers on their own, so it needs none.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from models.review import Role, User
from pipeline import accounts
from pipeline.review_actions import Actor

SESSION_COOKIE = "intake_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequired(HTTPException):
    """401 for the API; pages turn it into a redirect to ``/login``."""

    def __init__(self) -> None:
        super().__init__(status_code=401, detail="sign-in required")


def client_address(request: Request) -> str | None:
    """The client's address as the server saw it (behind a proxy: uvicorn --proxy-headers)."""
    return request.client.host if request.client else None


async def _csrf_ok(request: Request, expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent, expected)


async def authenticated(request: Request) -> User:
    """The signed-in user; 401 without a valid session or token, 403 on a CSRF failure."""
    store = request.app.state.store
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.user_for_token(store, header[7:].strip())
        if user is None:
            raise SignInRequired()
        request.state.csrf_token = ""
        request.state.user = user
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    session = accounts.session_for_cookie(store, cookie) if cookie else None
    if session is None:
        raise SignInRequired()
    if request.method in UNSAFE and not await _csrf_ok(request, session.csrf_token):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
    request.state.csrf_token = session.csrf_token
    request.state.user = session.user
    return session.user


CurrentUser = Annotated[User, Depends(authenticated)]


def admin(user: CurrentUser) -> User:
    """The user, if an admin; 403 otherwise."""
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="admins only")
    return user


AdminUser = Annotated[User, Depends(admin)]


def team(user: CurrentUser) -> User:
    """The user, if on the referral team or an admin (clean-up, routing); 403 otherwise."""
    if user.role not in (Role.REFERRAL_TEAM, Role.ADMIN):
        raise HTTPException(status_code=403, detail="referral team only")
    return user


TeamUser = Annotated[User, Depends(team)]


def acts(user: User) -> bool:
    """Whether ``user`` may merge, dismiss, undo, route all and record loop status."""
    return user.role in (Role.REFERRAL_TEAM, Role.ADMIN)


def who(user: User) -> str:
    """How pipeline functions that take an actor name record a workspace user."""
    return f"web:{user.name}"


def actor(request: Request, user: CurrentUser) -> Actor:
    """Who acts and from where, for the audit log."""
    return Actor(user=user, origin=client_address(request))


CurrentActor = Annotated[Actor, Depends(actor)]
