"""Fax and scanner degradation: skew, quarter-turn rotation, speckle, stroke smear, streaks.

Kept deliberately mild: the goal is faxes an OCR engine *should* read (10 pt at fine
resolution), not adversarial noise. Geometry is done in square-pixel space because normal-mode
fax pixels are twice as tall as wide (204 x 98 dpi); rotating those directly would distort text.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageFilter

FAX_X_DPI = 204

_QUARTER = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_90}


def turn(img: Image.Image, rotation: int, skew: float) -> Image.Image:
    """Rotate content ``rotation`` degrees clockwise (quarter turns) and ``skew`` degrees
    counter-clockwise (small angle), filling with white. Works on mode 'L'."""
    if skew:
        img = img.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if rotation:
        img = img.transpose(_QUARTER[rotation])
    return img


def fax_page(page: Image.Image, yres: int, rotation: int, skew: float, rng: random.Random
             ) -> Image.Image:
    """Threshold and degrade one grey page rendered at 204 x ``yres`` dpi into a bilevel page.

    The threshold is high (light grey counts as black) so thin strokes survive, as on a real
    fax scanner; normal resolution gets an even higher one because its rows are twice as tall.
    """
    gray = page.convert("L")
    fine = yres > 150
    if rotation or skew:
        w, h = gray.size
        sq = gray.resize((w, round(h * FAX_X_DPI / yres)), Image.Resampling.BILINEAR)
        sq = turn(sq, rotation, skew)
        sw, sh = sq.size
        gray = sq.resize((sw, round(sh * yres / FAX_X_DPI)), Image.Resampling.BILINEAR)
    if fine and rng.random() < 0.5:  # toner smear: blur then threshold
        gray = gray.filter(ImageFilter.BoxBlur(0.6))
    arr = np.asarray(gray, dtype=np.uint8).copy()
    nrng = np.random.default_rng(rng.randint(0, 2**32 - 1))
    thr = rng.randint(150, 200) if fine else rng.randint(180, 215)
    black = arr < thr
    h, w = black.shape
    density = rng.uniform(2e-5, 2.5e-4)
    n = int(h * w * density)
    ys, xs = nrng.integers(0, h, n), nrng.integers(0, w, n)
    black[ys, xs] = True  # speckle
    clusters = rng.randint(0, 6)
    for _ in range(clusters):  # small blotches from dirt on the scanner glass
        cy, cx = rng.randrange(h), rng.randrange(w)
        black[cy:cy + rng.randint(2, 4), cx:cx + rng.randint(2, 5)] = True
    drop = nrng.random(black.shape) < rng.uniform(0.0, 0.006 if fine else 0.003)
    black &= ~drop  # dropouts inside strokes
    if rng.random() < 0.2:  # dirty scan head: a thin vertical streak
        x = rng.randrange(w)
        black[:, x:x + rng.randint(1, 2)] = True
    if rng.random() < 0.15:  # transmission glitch: a horizontal line
        y = rng.randrange(h)
        black[y:y + 1, :] = True
    out = np.where(black, 0, 255).astype(np.uint8)
    return Image.fromarray(out, mode="L").convert("1", dither=Image.Dither.NONE)


def scan_page(page: Image.Image, rotation: int, skew: float, rng: random.Random, *,
              grain: bool) -> Image.Image:
    """A flatbed/phone scan: tinted paper, soft edges, optional sensor grain (JPEG only:
    grain makes PNGs huge)."""
    gray = turn(page.convert("L"), rotation, skew)
    arr = np.asarray(gray, dtype=np.float32)
    paper = rng.uniform(228, 248)
    ink = rng.uniform(25, 60)
    arr = ink + (arr / 255.0) * (paper - ink)
    if grain:
        nrng = np.random.default_rng(rng.randint(0, 2**32 - 1))
        arr += nrng.normal(0, rng.uniform(3, 7), arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
