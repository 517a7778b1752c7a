"""Bad inputs for the intake's rejection paths, each with ``<stem>.expected.json``.

Expected outcomes follow the quarantine codes in ``models.errors.ErrorCode``. Files are tiny on
disk even when they describe huge content (a 20,000 x 20,000 one-colour PNG, a 600-page PDF),
because they exist to test guards, not to fill the repository.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from samples.generate.core import generate_one

# stem -> (file name, expected outcome, purpose)
BAD: dict[str, tuple[str, dict[str, Any], str]] = {
    "empty": ("empty.pdf", {"error_code": "empty_file"}, "zero-byte PDF"),
    "empty_fax": ("empty_fax.tif", {"error_code": "empty_file"}, "zero-byte TIFF"),
    "truncated": ("truncated.pdf", {"error_code": "corrupt_file"},
                  "first half of a real referral PDF (no xref, cut mid-stream)"),
    "garbage": ("garbage.tif", {"error_code": "corrupt_file"},
                "TIFF magic bytes followed by random garbage"),
    "encrypted": ("encrypted.pdf", {"error_code": "encrypted_pdf"},
                  "real referral PDF with a user password (RC4-128)"),
    "png_named_as": ("png_named_as.pdf", {"status": "processed", "referrals": []},
                     "blank PNG with a .pdf name: sniffed by content, processed, no referral"),
    "docx_named_as": ("docx_named_as.pdf", {"error_code": "unsupported_type"},
                      "a DOCX-like ZIP archive with a .pdf name"),
    "plain_text": ("plain_text.txt", {"error_code": "unsupported_type"},
                   "a plain-text referral note (.txt is not accepted)"),
    "tiny_1x1": ("tiny_1x1.png", {"error_code": "image_too_small"}, "a 1 x 1 pixel PNG"),
    "huge_20000x20000": ("huge_20000x20000.png", {"error_code": "image_too_large"},
                         "a 20,000 x 20,000 one-colour PNG (400 Mpx, tiny on disk)"),
    "too_many_pages_600": ("too_many_pages_600.pdf", {"error_code": "too_many_pages"},
                           "a 600-page PDF (default limit 500)"),
}


def _real_pdf(tmp: Path) -> bytes:
    generate_one(tmp, 4242, 0, variant="digital", layout="cover_form", name="base")
    return (tmp / "base.pdf").read_bytes()


def _docx_like() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in (("[Content_Types].xml", "<Types/>"),
                           ("word/document.xml", "<w:document>Referral for Jane Doe</w:document>")):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            z.writestr(info, body)
    return buf.getvalue()


def _many_pages(n: int) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=letter, invariant=1, pageCompression=1)
    for i in range(1, n + 1):
        c.setFont("Helvetica", 10)
        c.drawString(72, 720, f"Page {i} of {n}")
        c.showPage()
    c.save()
    return buf.getvalue()


def write_bad(out: Path) -> list[tuple[str, dict[str, Any], str]]:
    """Write every bad input into ``out``; return (file, expected, purpose) rows."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(99)
    tmp = out / ".tmp"
    tmp.mkdir(exist_ok=True)
    pdf = _real_pdf(tmp)
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    files: dict[str, bytes] = {
        "empty.pdf": b"", "empty_fax.tif": b"",
        "truncated.pdf": pdf[: len(pdf) // 2],
        "garbage.tif": b"II*\x00" + bytes(rng.randrange(256) for _ in range(4096)),
        "docx_named_as.pdf": _docx_like(),
        "plain_text.txt": b"Referral: please see Jane Doe (DOB 01/02/1960) for knee pain.\n",
        "too_many_pages_600.pdf": _many_pages(600),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
    with pikepdf.open(io.BytesIO(pdf)) as p:
        # RC4-128 with a static ID: byte-stable across regenerations (AES salts are random);
        # any standard security handler makes the file need a password just the same.
        p.save(out / "encrypted.pdf", static_id=True,
               encryption=pikepdf.Encryption(user="s3cret", owner="owner", R=4, aes=False,
                                                     metadata=False))
    Image.new("L", (850, 1100), 255).save(out / "png_named_as.pdf", format="PNG")
    Image.new("L", (1, 1), 255).save(out / "tiny_1x1.png")
    Image.new("1", (20000, 20000), 1).save(out / "huge_20000x20000.png", optimize=True)
    rows = []
    for stem, (name, expected, purpose) in BAD.items():
        (out / f"{stem}.expected.json").write_text(json.dumps(expected) + "\n")
        rows.append((name, expected, purpose))
    return rows
