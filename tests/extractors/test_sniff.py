"""``sniff``: content-based type detection and the intake limits, on real files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING

import pikepdf
import pytest
from PIL import Image, ImageFile

from extractors.sniff import SniffResult, sniff
from models.errors import ErrorCode, Rejected
from tests.extractors.factories import write_form_pdf

if TYPE_CHECKING:
    from pathlib import Path

LIMITS = {"max_pages": 500, "max_pixels": 100_000_000, "max_bytes": 50 * 1024 * 1024}


def _rejected(path: Path, **limits: int) -> Rejected:
    with pytest.raises(Rejected) as info:
        sniff(path, **{**LIMITS, **limits})
    assert path.name not in str(info.value)  # file names may be PHI
    return info.value


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _huge_png(path: Path, side: int = 20_000) -> Path:
    """A valid 1-bit PNG of side×side pixels that is only ~25 kB on disk (a pixel bomb)."""
    row = b"\x00" + b"\x00" * (side // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
    data += _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


def test_digital_pdf_is_sniffed_with_page_sizes(tmp_path: Path) -> None:
    pdf = write_form_pdf(tmp_path / "a.pdf", second_page=True)
    result = sniff(pdf, **LIMITS)
    assert result == SniffResult("application/pdf", 2, [(2550, 3300), (2550, 3300)])


def test_zero_bytes_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _rejected(path).code is ErrorCode.EMPTY_FILE


def test_over_max_bytes_is_too_large(tmp_path: Path) -> None:
    pdf = write_form_pdf(tmp_path / "a.pdf")
    assert _rejected(pdf, max_bytes=100).code is ErrorCode.FILE_TOO_LARGE


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = write_form_pdf(tmp_path / "a.pdf", second_page=True).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) * 2 // 3])
    assert _rejected(path).code is ErrorCode.CORRUPT_FILE


def test_garbage_after_pdf_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert _rejected(path).code is ErrorCode.CORRUPT_FILE


def test_user_password_pdf_is_encrypted(tmp_path: Path) -> None:
    src = write_form_pdf(tmp_path / "a.pdf")
    path = tmp_path / "locked.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    assert _rejected(path).code is ErrorCode.ENCRYPTED_PDF


def test_owner_password_only_pdf_is_readable(tmp_path: Path) -> None:
    src = write_form_pdf(tmp_path / "a.pdf")
    path = tmp_path / "restricted.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert sniff(path, **LIMITS).page_count == 1


def test_png_named_pdf_is_a_png(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("L", (850, 1100), 255).save(path, format="PNG")
    result = sniff(path, **LIMITS)
    assert (result.media_type, result.page_count, result.page_sizes) == (
        "image/png",
        1,
        [(850, 1100)],
    )


def test_jpeg_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "photo.bin"
    Image.new("RGB", (640, 480), "white").save(path, format="JPEG")
    assert sniff(path, **LIMITS).media_type == "image/jpeg"


def test_one_pixel_image_is_too_small(tmp_path: Path) -> None:
    path = tmp_path / "dot.png"
    Image.new("L", (1, 1), 255).save(path)
    assert _rejected(path).code is ErrorCode.IMAGE_TOO_SMALL


def test_pixel_bomb_is_refused_from_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a 20,000×20,000 PNG of a few kB WHEN sniffed THEN refused fast, never decoded."""
    path = _huge_png(tmp_path / "bomb.png")
    assert path.stat().st_size < 200_000

    def no_decode(self: ImageFile.ImageFile) -> None:
        raise AssertionError("sniff must not decode pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    assert _rejected(path).code is ErrorCode.IMAGE_TOO_LARGE


def test_pixel_limit_applies_below_pillows_own_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("1", (3000, 3000), 1).save(path)
    assert _rejected(path, max_pixels=5_000_000).code is ErrorCode.IMAGE_TOO_LARGE


def test_pdf_page_pixels_are_checked_at_render_dpi(tmp_path: Path) -> None:
    pdf = write_form_pdf(tmp_path / "a.pdf")  # 2550×3300 at 300 dpi
    assert _rejected(pdf, max_pixels=8_000_000).code is ErrorCode.IMAGE_TOO_LARGE


def test_too_many_pages(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    with pikepdf.new() as pdf:
        for _ in range(600):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.save(path)
    assert _rejected(path, max_pages=500).code is ErrorCode.TOO_MANY_PAGES


def test_zip_named_pdf_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "referral.pdf"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert _rejected(path).code is ErrorCode.UNSUPPORTED_TYPE


def test_text_file_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "note.tif"
    path.write_text("Patient: nobody\n")
    assert _rejected(path).code is ErrorCode.UNSUPPORTED_TYPE


def test_multipage_tiff_counts_frames(tmp_path: Path) -> None:
    path = tmp_path / "fax.tif"
    pages = [Image.new("1", (1728, 1100), 1) for _ in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4", dpi=(204, 98))
    result = sniff(path, **LIMITS)
    assert (result.media_type, result.page_count) == ("image/tiff", 3)
    assert result.page_sizes == [(1728, 1100)] * 3


def test_truncated_tiff_is_corrupt(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("L", (800, 1000), 128).save(buf, format="TIFF")  # uncompressed: data first
    path = tmp_path / "cut.tif"
    path.write_bytes(buf.getvalue()[:4000] + buf.getvalue()[-400:])
    assert _rejected(path).code is ErrorCode.CORRUPT_FILE


def test_truncated_png_is_corrupt(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.effect_noise((400, 400), 60).save(buf, format="PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert _rejected(path).code is ErrorCode.CORRUPT_FILE
