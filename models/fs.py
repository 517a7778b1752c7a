"""File-system rules for PHI: private modes, untrusted inputs opened safely, names shown safely.

It lives in the bottom layer because every layer writes under the data folder (the SQLite file
in ``models.storage``, page images and OCR temp files in ``extractors``, the file store,
archive and quarantine in ``pipeline``) and they must all agree:

- everything we create under the data folder is 0600, folders 0700, whatever the umask (the
  mode is set explicitly, never left to the umask);
- an input is opened only if it is a regular file, without following a symbolic link, and the
  descriptor read is the very inode that was checked (no lstat-then-open race);
- a file name is stored and shown as text: bytes that are not UTF-8 are escaped (``\\xff``)
  instead of reaching the database or a terminal as lone surrogates.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from models.errors import ErrorCode, Rejected

_CHUNK = 1 << 20

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing one is left as is.

    ``Path.mkdir(mode=…, parents=True)`` gives the mode to the last level only and the umask
    still applies, so each level we create is chmod-ed explicitly.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # another worker made it meanwhile
        folder.chmod(PRIVATE_DIR)
    return path


def tighten(path: Path) -> None:
    """Make an existing file 0600 or folder 0700 (data written by an older version).

    Links are never followed; what we do not own is left alone (a shared NFS folder).
    """
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid():
            return
        mode = PRIVATE_DIR if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE
        if stat.S_IMODE(st.st_mode) != mode:
            path.chmod(mode)
    except OSError:
        return


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (e.g. before SQLite opens it)."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        tighten(path)
        return
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)


def private_temp(folder: Path, *, prefix: str = ".", suffix: str = ".tmp") -> tuple[int, Path]:
    """A new 0600 file in a 0700 ``folder``: (open descriptor, path)."""
    private_dir(folder)
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    os.fchmod(fd, PRIVATE_FILE)
    return fd, Path(name)


def write_private(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (temp file, fsync, rename), mode 0600."""
    fd, tmp = private_temp(target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def copy_private(source: Path, target: Path) -> Path:
    """Copy the regular file ``source`` (never a link) to ``target`` atomically, mode 0600."""
    src_fd = open_regular(source)
    fd, tmp = private_temp(target.parent)
    try:
        with os.fdopen(src_fd, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(_CHUNK):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words: "a symbolic link", "a named pipe"…"""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def not_a_file(kind: str) -> Rejected:
    """The error for an input that is not a regular file (never read, never copied)."""
    return Rejected(f"the input is {kind}", code=ErrorCode.NOT_A_FILE)


def open_regular(path: Path) -> int:
    """Open an untrusted input for reading: a regular file only, never through a link.

    ``lstat`` refuses links, folders, pipes and devices without touching them;
    ``O_NOFOLLOW | O_NONBLOCK`` make the open itself safe if the name was swapped meanwhile
    (a link fails, a pipe does not block), and the descriptor's ``fstat`` must show the same
    regular inode. Read the returned descriptor, not the path.

    Raises:
        FileNotFoundError: nothing at ``path``.
        Rejected: ``NOT_A_FILE`` for anything but a regular file.
        OSError: other failures (permissions).
    """
    before = path.lstat()
    if not stat.S_ISREG(before.st_mode):
        raise not_a_file(kind_of(before.st_mode))
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link after the check
            raise not_a_file("a symbolic link") from exc
        raise
    after = os.fstat(fd)
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
        before.st_dev,
        before.st_ino,
    ):
        os.close(fd)
        raise not_a_file(kind_of(after.st_mode) if not stat.S_ISREG(after.st_mode) else "replaced")
    os.set_blocking(fd, True)
    return fd


def safe_name(name: str) -> str:
    """A file name as storable, printable text: invalid UTF-8 bytes become ``\\xNN``.

    Python hands undecodable bytes around as lone surrogates (``surrogateescape``), which a
    database or ``print`` refuses. Escaping keeps the original bytes recoverable and visible.
    Control characters are escaped too, so a name cannot rewrite a terminal line.
    """
    raw = os.fsencode(name) if isinstance(name, str) else bytes(name)
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
