"""Pixel helpers without Tesseract: squaring fax pixels, blank test, skew, rotation, PNGs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from extractors import imaging
from extractors.rasterize import load_image_page
from extractors.tesseract import SIDEWAYS_RATIO
from tests.extractors.factories import blank_with_specks, render_gray

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def text_gray(form_pdf: Path) -> np.ndarray:
    """The form page at 200 dpi as a grayscale array."""
    return np.asarray(render_gray(form_pdf, 200))


def test_fax_normal_pixels_become_square() -> None:
    gray = np.full((1100, 1728), 255, np.uint8)
    squared, dpi = imaging.square_pixels(gray, (204.0, 98.0))
    assert dpi == 204.0
    assert squared.shape == (round(1100 * 204 / 98), 1728)


def test_square_pixels_are_left_alone_unless_upscaled() -> None:
    gray = np.full((100, 80), 255, np.uint8)
    assert imaging.square_pixels(gray, (300.0, 300.0))[0] is gray
    up, dpi = imaging.square_pixels(gray, (150.0, 150.0), min_dpi=300)
    assert (up.shape, dpi) == ((200, 160), 300.0)


def test_fax_tiff_declares_its_resolution(fax_tiff: Path) -> None:
    raster = load_image_page(fax_tiff, "image/tiff", 2)
    assert raster.dpi == (204.0, 98.0)
    assert raster.gray.shape[1] == 1728


def test_blank_page_with_specks_is_blank() -> None:
    assert imaging.is_blank(np.asarray(blank_with_specks()))


def test_text_page_is_not_blank(text_gray: np.ndarray) -> None:
    assert not imaging.is_blank(text_gray)


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.0, 2.0, 3.0])
def test_skew_is_measured(text_gray: np.ndarray, angle: float) -> None:
    image = Image.fromarray(text_gray)
    tilted = np.asarray(image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255))
    assert imaging.estimate_skew(imaging.ink_points(tilted)) == pytest.approx(angle, abs=0.2)


def test_sideways_text_is_detected(text_gray: np.ndarray) -> None:
    upright = imaging.sideways_score(text_gray)
    turned = imaging.sideways_score(np.rot90(text_gray))
    skewed = imaging.sideways_score(imaging.rotate(text_gray, 4.0))
    assert upright < SIDEWAYS_RATIO < turned
    assert skewed < SIDEWAYS_RATIO


def test_quarter_turns_are_exact() -> None:
    gray = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert imaging.rotate(gray, 90).shape == (3, 2)
    assert np.array_equal(imaging.rotate(imaging.rotate(gray, 90), -90), gray)


def test_png_is_written_atomically(tmp_path: Path) -> None:
    target = imaging.page_image_path(tmp_path / "doc", 7)
    imaging.write_png_atomic(np.full((60, 40), 200, np.uint8), target)
    assert target.name == "0007.png"
    assert [p.name for p in target.parent.iterdir()] == ["0007.png"]
    with Image.open(target) as image:
        assert (image.size, image.mode) == ((40, 60), "L")


def test_bilevel_png_is_one_bit_and_thresholded(tmp_path: Path) -> None:
    gray = np.array([[0, 100, 127, 128, 200, 255]] * 8, np.uint8)
    target = imaging.write_png_atomic(gray, tmp_path / "0001.png", bilevel=True)
    with Image.open(target) as image:
        assert image.mode == "1"
        assert np.asarray(image.convert("L"))[0].tolist() == [0, 0, 0, 255, 255, 255]


def test_sixteen_bit_scan_is_scaled_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "scan16.png"
    Image.fromarray(np.array([[0, 32896, 65535]] * 60, dtype=np.uint16)).save(path)
    raster = load_image_page(path, "image/png", 1)
    assert raster.gray[0].tolist() == [0, 128, 255]


def test_upside_down_text_is_detected(text_gray: np.ndarray) -> None:
    """GIVEN a text page upright and turned 180° WHEN tested THEN only the turned one leans
    down (descenders where ascenders should be); a blank page says nothing."""
    assert not imaging.upside_down(text_gray)
    assert imaging.upside_down(np.ascontiguousarray(text_gray[::-1, ::-1]))
    assert not imaging.upside_down(np.full((2200, 1700), 255, np.uint8))


def test_text_lines_lean_up_when_upright(text_gray: np.ndarray) -> None:
    """The lean used to orient a page: upright text clearly up, turned text clearly down."""
    up = imaging.ascender_share(text_gray)
    down = imaging.ascender_share(np.ascontiguousarray(text_gray[::-1, ::-1]))
    assert up is not None and up >= imaging.UPRIGHT_SHARE
    assert down is not None and down < imaging.UPSIDE_DOWN_SHARE
    assert imaging.clearly_upright(text_gray)
    assert imaging.ascender_share(np.full((2200, 1700), 255, np.uint8)) is None
