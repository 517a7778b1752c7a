"""A small pen over a reportlab canvas: top-left coordinates, fonts, wrapping, boxes and marks.

Layouts describe pages with it; it knows nothing of referrals. Check marks come in the shapes
forms use: glyphs (☒ ✓ from DejaVu, the one TrueType font the system carries), bracketed X,
an X or tick drawn in a box, a filled box, or a circle around the option.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = 612.0, 792.0
FAMILIES = {
    "Helvetica": ("Helvetica", "Helvetica-Bold"),
    "Times": ("Times-Roman", "Times-Bold"),
    "Courier": ("Courier", "Courier-Bold"),
}
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MARK_STYLES = ["glyph", "bracket", "paren", "drawn_x", "drawn_check", "filled", "circle"]


def glyph_font() -> str | None:
    """Register DejaVu Sans once for ☐ ☒ ✓; None when the font is not installed."""
    if "HxDejaVu" in pdfmetrics.getRegisteredFontNames():
        return "HxDejaVu"
    if not _DEJAVU.exists():
        return None
    pdfmetrics.registerFont(TTFont("HxDejaVu", str(_DEJAVU)))
    return "HxDejaVu"


class Pen:
    """Draws on one page of a canvas, y measured from the top edge in points."""

    def __init__(self, canvas: Canvas, family: str = "Helvetica", size: float = 10) -> None:
        self.c = canvas
        self.family = family
        self.size = size

    def font(self, *, bold: bool = False) -> str:
        """Font name of the current family."""
        return FAMILIES[self.family][1 if bold else 0]

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float | None = None,
        bold: bool = False,
        white: bool = False,
        align: str = "left",
    ) -> float:
        """Draw one line with its baseline at ``y``; returns the text width."""
        size = size or self.size
        font = self.font(bold=bold)
        self.c.setFont(font, size)
        self.c.setFillGray(1 if white else 0)
        width = pdfmetrics.stringWidth(s, font, size)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        self.c.drawString(x, PAGE_H - y, s)
        self.c.setFillGray(0)
        return width

    def width(self, s: str, *, size: float | None = None, bold: bool = False) -> float:
        """Width of ``s`` in points."""
        return pdfmetrics.stringWidth(s, self.font(bold=bold), size or self.size)

    def wrap(
        self, x: float, y: float, width: float, s: str, *, size: float | None = None,
        bold: bool = False, leading: float = 1.3,
    ) -> float:  # fmt: skip
        """Draw ``s`` wrapped to ``width``; returns the baseline below the last line."""
        size = size or self.size
        for line in simpleSplit(s, self.font(bold=bold), size, width):
            self.text(x, y, line, size=size, bold=bold)
            y += size * leading
        return y

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.8) -> None:
        """A straight rule."""
        self.c.setLineWidth(width)
        self.c.line(x0, PAGE_H - y0, x1, PAGE_H - y1)

    def rect(
        self, x: float, y: float, w: float, h: float, *, fill: float | None = None,
        stroke: bool = True, width: float = 0.8,
    ) -> None:  # fmt: skip
        """Rectangle with its top-left at (x, y); ``fill`` is a grey level (0 black)."""
        self.c.setLineWidth(width)
        if fill is not None:
            self.c.setFillGray(fill)
        self.c.rect(x, PAGE_H - y - h, w, h, stroke=int(stroke), fill=int(fill is not None))
        self.c.setFillGray(0)

    def bar(self, y: float, h: float, title: str, *, size: float = 13) -> None:
        """A dark full-width bar with the title in white (EHR printouts)."""
        self.rect(36, y, PAGE_W - 72, h, fill=0.15, stroke=False)
        self.text(46, y + h * 0.5 + size * 0.35, title, size=size, bold=True, white=True)

    def mark(self, x: float, y: float, marked: bool, style: str, *, label: str = "") -> float:  # noqa: FBT001
        """One option with its box/mark at baseline ``y``; returns the x after the label."""
        s = self.size
        box = s * 0.9
        if style == "glyph" and glyph_font():
            self.c.setFont("HxDejaVu", s + 1)
            self.c.drawString(x, PAGE_H - y, "☒" if marked else "☐")
            x += s * 1.2
        elif style in ("bracket", "paren"):
            left, right = ("[", "]") if style == "bracket" else ("(", ")")
            x += self.text(x, y, f"{left}{'X' if marked else ' '}{right}") + 3
        elif style == "circle":
            width = self.width(label)
            if marked:
                self.c.setLineWidth(1.1)
                self.c.ellipse(x - 4, PAGE_H - y - s * 0.45, x + width + 4, PAGE_H - y + s * 1.1)
            self.text(x, y, label)
            return x + width + 10
        else:
            top = y - box * 0.85
            self.rect(x, top, box, box, fill=0 if marked and style == "filled" else None)
            if marked and style == "drawn_x":
                self.line(x + 1, top + 1, x + box - 1, top + box - 1, 1.3)
                self.line(x + 1, top + box - 1, x + box - 1, top + 1, 1.3)
            elif marked and style == "drawn_check":
                self.line(x + 1, top + box * 0.55, x + box * 0.4, top + box + 1, 1.5)
                self.line(x + box * 0.4, top + box + 1, x + box + 2, top - 2, 1.5)
            x += box + 4
        if label:
            x += self.text(x, y, label) + 10
        return x

    def options(
        self, x: float, y: float, labels: list[str], chosen: int | None, style: str, *,
        columns: int = 1, col_width: float = 130,
    ) -> float:  # fmt: skip
        """An option group laid out in columns; returns the baseline below it."""
        rows = -(-len(labels) // columns)
        for i, label in enumerate(labels):
            col, row = divmod(i, rows)
            top = y + row * self.size * 1.6
            self.mark(x + col * col_width, top, i == chosen, style, label=label)
        return y + rows * self.size * 1.6
