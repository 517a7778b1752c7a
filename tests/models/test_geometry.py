import pytest
from pydantic import ValidationError

from models.geometry import Box, union_all


def test_box_rejects_inverted_or_off_page_coordinates():
    with pytest.raises(ValidationError):
        Box(x0=0.5, y0=0.1, x1=0.4, y1=0.2)
    with pytest.raises(ValidationError):
        Box(x0=0.0, y0=0.0, x1=1.2, y1=0.5)


def test_pixels_round_trip_at_two_resolutions():
    box = Box.from_pixels(102, 49, 204, 98, width=1728, height=1100)
    assert box.to_pixels(width=1728, height=1100) == (102, 49, 204, 98)
    # the same box on a render at twice the size lands on the same place
    assert box.to_pixels(width=3456, height=2200) == (204, 98, 408, 196)


def test_clamped_fixes_engine_round_off():
    box = Box.clamped(-0.001, 0.2, 1.0004, 0.1)
    assert box.as_list() == [0.0, 0.1, 1.0, 0.2]


def test_union_covers_all_boxes():
    a = Box(x0=0.1, y0=0.1, x1=0.2, y1=0.2)
    b = Box(x0=0.15, y0=0.05, x1=0.4, y1=0.15)
    assert union_all([a, b]) == Box(x0=0.1, y0=0.05, x1=0.4, y1=0.2)
    assert union_all([]) is None
