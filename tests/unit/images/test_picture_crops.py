"""images/crops.py: where crops cut, and which widths a picture gets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgen.images.crops import crop_box, fitted_size, letterbox, shape_size, widths_for


@given(
    st.integers(1, 5000),
    st.integers(1, 5000),
    st.sampled_from([16 / 9, 4 / 3, 1.0, 3 / 2, 1200 / 630, 0.5]),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_a_crop_lies_inside_the_picture_and_holds_the_focal_point(width, height, ratio, x, y):
    left, top, right, bottom = crop_box((width, height), ratio, (x, y))
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    assert left <= x * width <= right + 0.5 and top <= y * height <= bottom + 0.5
    # the largest box of that shape: one side is whole
    assert right - left == width or bottom - top == height


def test_a_crop_is_centred_on_the_focal_point_when_the_edges_allow():
    assert crop_box((3000, 2000), 1.0, (0.5, 0.5)) == (500, 0, 2500, 2000)
    assert crop_box((3000, 2000), 1.0, (0.1, 0.5)) == (0, 0, 2000, 2000)  # held at the edge
    assert crop_box((3000, 2000), 1.0, (0.6, 0.5)) == (800, 0, 2800, 2000)


def test_letterbox_holds_the_whole_picture_centred():
    assert letterbox((1000, 1000), 2.0) == ((2000, 1000), (500, 0))
    assert letterbox((2000, 500), 2.0) == ((2000, 1000), (0, 250))


def test_sizes_are_never_enlarged():
    assert fitted_size((400, 300), (1200, 630)) == (400, 300)
    assert fitted_size((4000, 3000), (1200, 630)) == (840, 630)
    assert shape_size((800, 450), 1200 / 630, 1200) == (800, 420)
    assert shape_size((4000, 3000), 1200 / 630, 1200) == (1200, 630)


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (3000, (320, 640, 960, 1280, 1920)),
        (1500, (320, 640, 960, 1280, 1500)),
        (800, (320, 640, 800)),
        (160, (160,)),
        (320, (320,)),
    ],
)
def test_widths_never_upscale_and_keep_the_picture_s_own(width, widths):
    assert widths_for(width, (320, 640, 960, 1280, 1920)) == widths
