"""Is the service able to work? Database and broker reachability, for ``intake status`` and
the workspace's ``/health``. Answers carry ok/latency/error type only: no URL (it may hold a
password), no PHI."""

from __future__ import annotations

import time
from typing import Any

from pipeline.settings import Settings


def check_database(url: str, timeout_s: float = 3.0) -> dict[str, Any]:
    """``{"ok": True, "ms": …}`` when ``SELECT 1`` answers, else ``{"ok": False, "error": …}``."""
    from sqlalchemy import create_engine, text

    args = {"timeout": timeout_s} if url.startswith("sqlite") else {"connect_timeout": 3}
    started = time.perf_counter()
    engine = create_engine(url, connect_args=args)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure is "unreachable" to an admin
        return {"ok": False, "error": type(exc).__name__}
    finally:
        engine.dispose()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_broker(url: str, timeout_s: float = 2.0) -> dict[str, Any]:
    """Redis ``PING``; the embedded (in-process) broker is always reachable."""
    if not url:
        return {"ok": True, "mode": "embedded"}
    import redis

    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}
    return {"ok": True, "mode": "redis", "ms": round((time.perf_counter() - started) * 1000, 1)}


def health(settings: Settings) -> dict[str, Any]:
    """Both checks and an overall ``status`` (``ok`` or ``unavailable``)."""
    database = check_database(settings.effective_database_url)
    broker = check_broker(settings.broker_url)
    ok = database["ok"] and broker["ok"]
    return {"status": "ok" if ok else "unavailable", "database": database, "broker": broker}
