"""Hostile and odd inputs, made by the tests themselves (nothing hostile is committed), and
the permission check every command that writes under the data folder must pass.
"""

from __future__ import annotations

import io
import os
import random
import stat
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageSequence


def _zeros_deflated(total: int, chunk: int = 1 << 20) -> bytes:
    """A zlib stream of ``total`` NUL bytes, built without compressing them all.

    After a full flush the compressor starts afresh, so every 1 MiB block of NULs compresses
    to the same bytes: the stream is those bytes repeated, a final block, and the Adler-32 of
    NULs (A = 1, B = total mod 65521). It takes milliseconds instead of a minute.
    """
    compressor = zlib.compressobj(9)
    block = bytes(chunk)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush()[:-4]
    adler = ((total % 65521) << 16) | 1
    return first + repeat * (total // chunk - 1) + final + struct.pack(">I", adler)


def flate_bomb_pdf(path: Path, inflated: int = 2 << 30) -> Path:
    """A one-page PDF whose content stream is Flate over Flate: a few KB → ``inflated`` NULs."""
    stream = zlib.compress(_zeros_deflated(inflated), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def tiff_with_corrupt_page(source: Path, target: Path, bad_page: int) -> Path:
    """``source``'s frames as a Deflate TIFF whose page ``bad_page`` has garbage pixel data
    (the frame's header is intact: the other pages still read)."""
    with Image.open(source) as image:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
        dpi = image.info.get("dpi", (204, 196))
    buf = io.BytesIO()
    frames[0].save(
        buf,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="tiff_adobe_deflate",
        dpi=dpi,
    )
    data = bytearray(buf.getvalue())
    with Image.open(io.BytesIO(bytes(data))) as image:
        image.seek(bad_page - 1)
        offsets, counts = image.tag_v2[273], image.tag_v2[279]
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    rng = random.Random(bad_page)
    for offset, count in zip(offsets, counts, strict=True):
        data[offset + 2 : offset + count] = bytes(rng.randrange(256) for _ in range(count - 2))
    target.write_bytes(bytes(data))
    return target


def not_private(root: Path) -> list[str]:
    """Everything under ``root`` (``root`` included) that is not a 0700 folder or a 0600
    file (or refused pipe), as ``"mode path"`` lines; links are not followed (a refused inbox
    link kept in quarantine is not data of ours and has no mode of its own)."""
    found = []
    entries = [root]
    for folder, dirs, files in os.walk(root):
        entries += [Path(folder) / name for name in (*dirs, *files)]
    for path in entries:
        st = path.lstat()
        mode = stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            continue
        want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
        if mode != want:
            found.append(f"{mode:o} {path.relative_to(root.parent)}")
    return found
