"""Batched second readings: every crop of a fax in one Tesseract call, mapped back by position."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extractors import crop_reread
from models.geometry import Box

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
W, H = 1700, 1100


def _page(path: Path, values: list[tuple[tuple[int, int], str]]) -> list[Box]:
    """A fax-normal page image with each value drawn at its place; their boxes."""
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 28)
    boxes = []
    for at, text in values:
        draw.text(at, text, font=font, fill=0)
        x0, y0, x1, y1 = draw.textbbox(at, text, font=font)
        boxes.append(Box.clamped(x0 / W, y0 / H, x1 / W, y1 / H))
    half = img.resize((W, H // 2), Image.Resampling.BOX).resize((W, H), Image.Resampling.NEAREST)
    Image.fromarray((np.asarray(half) > 150).astype(np.uint8) * 255).save(path)
    return boxes


def test_crops_of_two_pages_read_in_one_call_each_gets_its_own_text(tmp_path, monkeypatch):
    """GIVEN three doubtful values on two pages WHEN re-read THEN one Tesseract call per
    whitelist, and each value gets the readings of its own crop (both variants)."""
    one, two = tmp_path / "1.png", tmp_path / "2.png"
    a, b = _page(one, [((300, 300), "4859933"), ((300, 700), "03/04/1961")])
    (c,) = _page(two, [((500, 400), "1234567893")])
    calls = []
    real = crop_reread._run
    monkeypatch.setattr(crop_reread, "_run", lambda *x, **k: calls.append(1) or real(*x, **k))
    digits = "0123456789/"
    out = crop_reread.reread_crops(
        [(str(one), a, digits), (str(one), b, digits), (str(two), c, digits)]
    )
    assert len(calls) == 1
    texts = [[t.replace(" ", "") for t, _ in readings] for readings in out]
    assert texts[0] and all(t == "4859933" for t in texts[0])
    assert texts[1] and all(t == "03/04/1961" for t in texts[1])
    assert texts[2] and all(t == "1234567893" for t in texts[2])


def test_a_crop_off_the_image_gives_no_reading(tmp_path):
    (box,) = _page(tmp_path / "p.png", [((300, 300), "4859933")])
    out = crop_reread.reread_crops([(str(tmp_path / "missing.png"), box, None)])
    assert out == [[]]
