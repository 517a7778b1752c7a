"""Logging for the ``intake`` commands: one line per event, text or JSON, no PHI.

Our modules log ids, counts, codes and timings only. Third-party libraries are not so careful
(watchdog logs every path it sees, PIL and pdfminer log stream details, some log file names
at DEBUG), so their records below WARNING are dropped whatever ``-v`` says (below ERROR for the
libraries in :data:`QUIET_LIBRARIES`). ``INTAKE_LOG_FORMAT=json`` writes one
JSON object per line for log shippers (journald, Loki, ELK).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

OUR_PACKAGES = frozenset({"models", "extractors", "pipeline", "review_ui", "bench", "__main__"})
# libraries whose INFO lines are useful to an admin (service start/stop, requests without PHI)
SERVICE_LIBRARIES = frozenset({"dramatiq", "uvicorn"})
# request lines carry paths and query strings (a search for a patient's name would be PHI);
# a monitor polling /health would also flood the log
DROPPED_LOGGERS = frozenset({"uvicorn.access"})
# libraries known to put file names or document content into their messages
QUIET_LIBRARIES = frozenset({"watchdog", "PIL", "pdfminer", "pdfplumber", "pikepdf", "fontTools"})


class ThirdPartyFilter(logging.Filter):
    """Keep our records at any level; a third party's only from INFO (services) or WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        """True to keep ``record``."""
        root = record.name.split(".", 1)[0]
        if record.name in DROPPED_LOGGERS:
            return record.levelno >= logging.WARNING
        if root in OUR_PACKAGES:
            return True
        if root in QUIET_LIBRARIES:
            return record.levelno >= logging.ERROR
        if root in SERVICE_LIBRARIES:
            return record.levelno >= logging.INFO
        return record.levelno >= logging.WARNING


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message"}`` per line; exceptions as their type only
    (an exception's message may quote document text)."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON line."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int, fmt: str = "text") -> None:
    """Route every record to stderr through :class:`ThirdPartyFilter`, as text or JSON."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ThirdPartyFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def adopt_root_handlers(fmt: str = "text") -> None:
    """Apply our filter (and the JSON format) to handlers someone else installed: dramatiq's
    worker processes set up their own logging before they import ``pipeline.worker``."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ThirdPartyFilter) for f in handler.filters):
            handler.addFilter(ThirdPartyFilter())
        if fmt == "json":
            handler.setFormatter(JsonFormatter())
