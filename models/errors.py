"""Error hierarchy: each error knows its code and what a person can do about it.

``Rejected`` is permanent (the file goes to quarantine, never retried); ``Transient`` is worth a
retry (a busy database, a Tesseract timeout under load). Anything else is a bug. Messages never
contain field values or file names: they may be PHI.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable quarantine codes, shown to staff and written to ``.error.txt``."""

    EMPTY_FILE = "empty_file"
    UNSUPPORTED_TYPE = "unsupported_type"
    CORRUPT_FILE = "corrupt_file"
    ENCRYPTED_PDF = "encrypted_pdf"
    TOO_MANY_PAGES = "too_many_pages"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TOO_SMALL = "image_too_small"
    FILE_TOO_LARGE = "file_too_large"
    OCR_FAILED = "ocr_failed"
    OCR_TIMEOUT = "ocr_timeout"
    INTERNAL_ERROR = "internal_error"
    NOT_A_FILE = "not_a_file"
    UNREADABLE_FILE = "unreadable_file"
    RESOURCE_LIMIT = "resource_limit"


REMEDIES: dict[ErrorCode, str] = {
    ErrorCode.EMPTY_FILE: "The file has no bytes; ask the sender to resend.",
    ErrorCode.UNSUPPORTED_TYPE: "Only PDF, TIFF, PNG and JPEG are accepted.",
    ErrorCode.CORRUPT_FILE: "The file is damaged or truncated; ask the sender to resend.",
    ErrorCode.ENCRYPTED_PDF: "The PDF is password-protected; ask for an unprotected copy.",
    ErrorCode.TOO_MANY_PAGES: "Split the document or raise INTAKE_MAX_PAGES.",
    ErrorCode.IMAGE_TOO_LARGE: "The image exceeds INTAKE_MAX_PIXELS (decompression-bomb guard).",
    ErrorCode.IMAGE_TOO_SMALL: "The image is too small to hold readable text.",
    ErrorCode.FILE_TOO_LARGE: "The file exceeds INTAKE_MAX_FILE_MB.",
    ErrorCode.OCR_FAILED: "Tesseract could not read the page; check the installation.",
    ErrorCode.OCR_TIMEOUT: "A page took longer than INTAKE_OCR_TIMEOUT_S to read.",
    ErrorCode.INTERNAL_ERROR: "An unexpected error; the file is kept for a developer to look at.",
    ErrorCode.NOT_A_FILE: (
        "Only regular files are read: links, folders, pipes and devices are refused unread."
    ),
    ErrorCode.UNREADABLE_FILE: "The file cannot be opened (permissions?); check who owns it.",
    ErrorCode.RESOURCE_LIMIT: (
        "Reading the file needed more memory or time than INTAKE_PDF_MEMORY_MB / "
        "INTAKE_PDF_TIME_LIMIT_S allow (a decompression bomb or a hostile file)."
    ),
}


class IntakeError(Exception):
    """Base of every error the pipeline raises on purpose."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def remedy(self) -> str:
        """What a person can do about it."""
        return REMEDIES.get(self.code, "")

    def describe(self) -> str:
        """``code: message. remedy`` on one line, for the JSON ``error`` and ``.error.txt``."""
        return f"{self.code.value}: {self}. {self.remedy}".strip()


class Rejected(IntakeError):
    """The input can never succeed: quarantine it, do not retry."""


class Transient(IntakeError):
    """A failure worth retrying with backoff."""


def redacted_traceback(exc: BaseException) -> str:
    """The exception's type and stack (file, line, code) without its message or any value.

    Exception messages can quote document text ("invalid literal for int(): 'Jane'") or file
    names; the stack alone is what a developer needs to find the bug.
    """
    import traceback

    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"{type(exc).__name__} (message withheld: may contain PHI)\n{frames}"
