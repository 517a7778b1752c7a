"""Page-relative geometry: one coordinate system for the whole domain.

Boxes are 0–1 fractions of the page, origin top-left, so a box found on a 204×98 dpi fax
render still lands on the same words when the review UI shows a 150 dpi PNG of that page.
Pixel conversions happen only at the edges (OCR input, UI overlay).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator


class Box(BaseModel):
    """A validated, immutable rectangle in page-relative coordinates (0–1, top-left origin)."""

    model_config = ConfigDict(frozen=True)

    x0: float
    y0: float
    x1: float
    y1: float

    @model_validator(mode="after")
    def _check_order(self) -> Box:
        if not (0.0 <= self.x0 <= self.x1 <= 1.0 and 0.0 <= self.y0 <= self.y1 <= 1.0):
            raise ValueError(f"box out of page or inverted: {self.as_list()}")
        return self

    @classmethod
    def clamped(cls, x0: float, y0: float, x1: float, y1: float) -> Box:
        """Build a box from possibly slightly-out-of-range numbers (engines round off the page)."""
        xs = sorted((min(max(x0, 0.0), 1.0), min(max(x1, 0.0), 1.0)))
        ys = sorted((min(max(y0, 0.0), 1.0), min(max(y1, 0.0), 1.0)))
        return cls(x0=xs[0], y0=ys[0], x1=xs[1], y1=ys[1])

    @classmethod
    def from_pixels(
        cls, left: float, top: float, right: float, bottom: float, *, width: int, height: int
    ) -> Box:
        """Convert a pixel rectangle of a ``width``×``height`` image to page fractions."""
        return cls.clamped(left / width, top / height, right / width, bottom / height)

    def to_pixels(self, *, width: int, height: int) -> tuple[int, int, int, int]:
        """Pixel rectangle (left, top, right, bottom) on an image of the given size."""
        return (
            round(self.x0 * width),
            round(self.y0 * height),
            round(self.x1 * width),
            round(self.y1 * height),
        )

    def union(self, *others: Box) -> Box:
        """Smallest box covering this box and ``others``."""
        boxes = (self, *others)
        return Box(
            x0=min(b.x0 for b in boxes),
            y0=min(b.y0 for b in boxes),
            x1=max(b.x1 for b in boxes),
            y1=max(b.y1 for b in boxes),
        )

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        """Height as a fraction of the page."""
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        """Width as a fraction of the page."""
        return self.x1 - self.x0

    def as_list(self) -> list[float]:
        """``[x0, y0, x1, y1]`` rounded to 4 places: the JSON contract's box."""
        return [round(v, 4) for v in (self.x0, self.y0, self.x1, self.y1)]


def union_all(boxes: list[Box]) -> Box | None:
    """Union of a list of boxes, or ``None`` for an empty list."""
    if not boxes:
        return None
    return boxes[0].union(*boxes[1:])
