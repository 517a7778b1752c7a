"""Staff accounts: argon2id password hashes, API tokens, browser sessions, sign-in rate limit.

Secrets are never stored: a password as its argon2 hash, a token or session cookie as its
sha256 (they are long random strings, so a fast hash is enough). Nothing here logs a name.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from models.clock import as_utc
from models.review import Role, User
from models.storage import Store
from models.storage.review_tables import ApiTokenRow, SessionRow, UserRow
from models.storage.tables import AuditRow

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong
    password (made on first use: hashing is slow on purpose, start-up should not be)."""
    return _HASHER.hash("not a password of anyone")


MIN_PASSWORD = 8


class AccountError(ValueError):
    """A request about accounts that cannot be met (name taken, weak password…)."""


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, role=Role(row.role))


def _now() -> datetime:
    return datetime.now(UTC)


def add_user(store: Store, name: str, role: Role | str, password: str) -> User:
    """Create a user; the password is kept only as an argon2id hash."""
    name = name.strip()
    if not name or len(name) > 64 or not name.replace("_", "").replace(".", "").isalnum():
        raise AccountError("user name: 1-64 letters, digits, '.' or '_'")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    role = Role(role)
    with store.session() as s:
        if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
            raise AccountError("user name already taken")
        row = UserRow(
            name=name, role=role.value, password_hash=_HASHER.hash(password), created_at=_now()
        )
        s.add(row)
        s.flush()
        return _user(row)


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user if the password matches (constant work whether or not the name exists)."""
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name, UserRow.active.is_(True)))
        try:
            _HASHER.verify(row.password_hash if row else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(row.password_hash):
            row.password_hash = _HASHER.hash(password)
        return _user(row)


def user_by_name(store: Store, name: str) -> User | None:
    """An active user by name."""
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name, UserRow.active.is_(True)))
        return _user(row) if row else None


def issue_token(store: Store, name: str) -> str:
    """A new API token for ``name``; shown once, stored as its sha256."""
    user = user_by_name(store, name)
    if user is None:
        raise AccountError("no such user")
    token = "rit_" + secrets.token_urlsafe(32)
    with store.session() as s:
        s.add(ApiTokenRow(token_sha256=_sha(token), user_id=user.id, created_at=_now()))
    return token


def user_for_token(store: Store, token: str) -> User | None:
    """The owner of a valid, unrevoked bearer token."""
    with store.session() as s:
        row = s.execute(
            select(UserRow)
            .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
            .where(
                ApiTokenRow.token_sha256 == _sha(token),
                ApiTokenRow.revoked.is_(False),
                UserRow.active.is_(True),
            )
        ).scalar()
        return _user(row) if row else None


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: the cookie value (shown once) and its CSRF token."""

    cookie: str
    csrf_token: str
    user: User


def open_session(store: Store, user: User, hours: float) -> WebSession:
    """Start a browser session for ``user``, valid ``hours``."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    with store.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        s.add(
            SessionRow(
                token_sha256=_sha(cookie),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
    return WebSession(cookie, csrf, user)


def session_for_cookie(store: Store, cookie: str) -> WebSession | None:
    """The live session behind a cookie value, if any."""
    with store.session() as s:
        found = s.execute(
            select(SessionRow, UserRow)
            .join(UserRow, UserRow.id == SessionRow.user_id)
            .where(SessionRow.token_sha256 == _sha(cookie), UserRow.active.is_(True))
        ).first()
    if found is None or as_utc(found[0].expires_at) < _now():
        return None
    return WebSession(cookie, found[0].csrf_token, _user(found[1]))


def close_session(store: Store, cookie: str) -> None:
    """Sign out: the cookie stops working at once."""
    with store.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.token_sha256 == _sha(cookie)))


class LoginLimiter:
    """At most ``max_failures`` failed sign-ins per (name, address) in ``window_s`` seconds.

    Failures are audit entries (``user.sign_in_failed``, the name tried as entity id, the
    address as origin), so every web worker of a deployment counts the same failures, a
    restart forgets none, and an administrator sees them in the audit log. A good sign-in
    (``user.sign_in`` from that address) starts the count again.
    """

    FAILED = "user.sign_in_failed"
    SUCCEEDED = "user.sign_in"

    def __init__(self, store: Store, max_failures: int, window_s: float) -> None:
        self.store = store
        self.max_failures = max_failures
        self.window_s = window_s

    def blocked(self, name: str, address: str) -> bool:
        """True while this name from this address has used up its attempts."""
        since = _now() - timedelta(seconds=self.window_s)
        key = name[:64]
        with self.store.session() as s:
            user_id = s.scalar(select(UserRow.id).where(UserRow.name == name))
            if user_id is not None:
                last_ok = s.scalar(
                    select(func.max(AuditRow.at)).where(
                        AuditRow.action == self.SUCCEEDED,
                        AuditRow.entity_id == str(user_id),
                        AuditRow.origin == address,
                    )
                )
                if last_ok is not None:
                    since = max(since, as_utc(last_ok))
            failures = s.scalar(
                select(func.count(AuditRow.id)).where(
                    AuditRow.action == self.FAILED,
                    AuditRow.entity_id == key,
                    AuditRow.origin == address,
                    AuditRow.at > since,
                )
            )
        return (failures or 0) >= self.max_failures

    def failed(self, name: str, address: str) -> None:
        """Count (audit) a failed attempt: the name tried, never the password."""
        self.store.audit("anonymous", self.FAILED, "user", name[:64], origin=address)
