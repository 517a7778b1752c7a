"""Drawing kit over a reportlab canvas: a cursor-based pen for forms and letters.

Layouts describe *what* goes on a page; this module decides *how* it is drawn (fonts, wrapping,
label/value placement, checkboxes) so that every layout gets the same variety knobs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = letter
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FAMILIES: dict[str, tuple[str, str]] = {
    "Helvetica": ("Helvetica", "Helvetica-Bold"),
    "Times": ("Times-Roman", "Times-Bold"),
    "Courier": ("Courier", "Courier-Bold"),
}
_glyph_font: str | None = None


def glyph_font() -> str | None:
    """Register DejaVuSans once (it has the ballot-box glyphs); None if the font is missing."""
    global _glyph_font
    if _glyph_font is None and DEJAVU.exists():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
        _glyph_font = "DejaVuSans"
    return _glyph_font


@dataclass
class Pen:
    """Writes top-down on one page; ``y`` is the baseline of the next line in points."""

    c: Canvas
    family: str = "Helvetica"
    size: float = 10.0
    left: float = 60.0
    right: float = PAGE_W - 60.0
    y: float = PAGE_H - 60.0
    min_size: float = 9.0  # floor for any text this pen draws (10 pt for normal-res faxes)

    @property
    def regular(self) -> str:
        return FAMILIES[self.family][0]

    @property
    def bold(self) -> str:
        return FAMILIES[self.family][1]

    @property
    def lead(self) -> float:
        return self.size * 1.45

    def text(self, x: float, y: float, s: str, *, bold: bool = False, size: float | None = None
             ) -> float:
        """Draw ``s`` at (x, y); return the x just after it."""
        font = self.bold if bold else self.regular
        sz = max(size or self.size, self.min_size)
        self.c.setFont(font, sz)
        self.c.drawString(x, y, s)
        return x + pdfmetrics.stringWidth(s, font, sz)

    def width(self, s: str, *, bold: bool = False, size: float | None = None) -> float:
        sz = max(size or self.size, self.min_size)
        return pdfmetrics.stringWidth(s, self.bold if bold else self.regular, sz)

    def line(self, s: str, *, bold: bool = False, size: float | None = None, x: float | None = None,
             center: bool = False) -> None:
        sz = size or self.size
        if center:
            x = (PAGE_W - self.width(s, bold=bold, size=sz)) / 2
        self.text(self.left if x is None else x, self.y, s, bold=bold, size=sz)
        self.y -= sz * 1.45

    def skip(self, lines: float = 1.0) -> None:
        self.y -= self.lead * lines

    def para(self, s: str, *, x: float | None = None, width: float | None = None,
             bold: bool = False) -> None:
        """Wrapped paragraph at the pen's font."""
        x0 = self.left if x is None else x
        w = width or (self.right - x0)
        for ln in simpleSplit(s, self.bold if bold else self.regular, self.size, w):
            self.text(x0, self.y, ln, bold=bold)
            self.y -= self.lead

    def field_right(self, label: str, value: str, *, x: float | None = None, tab: float = 0,
                    bold_label: bool = True) -> float:
        """'Label: value' on one line; ``tab`` aligns values in a column. Returns end x."""
        x0 = self.left if x is None else x
        end = self.text(x0, self.y, label, bold=bold_label)
        vx = max(end + self.size * 0.5, x0 + tab)
        lines = simpleSplit(value, self.regular, max(self.size, self.min_size), self.right - vx)
        for i, ln in enumerate(lines or [""]):  # long values wrap under themselves
            if i:
                self.y -= self.lead
            end = self.text(vx, self.y, ln)
        return end

    def field_box(self, label: str, value: str, x: float, w: float, *, y: float | None = None
                  ) -> None:
        """Small label above a ruled box holding the value (form style, value below label)."""
        top = self.y if y is None else y
        self.text(x + 2, top, label, size=max(self.size - 2, 7))
        h = self.size * 1.9
        self.c.setLineWidth(0.8)
        self.c.rect(x, top - h - 2, w, h, stroke=1, fill=0)
        self.text(x + 4, top - h + self.size * 0.45, value)

    def rule(self, width: float = 0.8) -> None:
        self.c.setLineWidth(width)
        self.c.line(self.left, self.y + self.size * 0.4, self.right, self.y + self.size * 0.4)
        self.y -= self.size * 0.8

    def checkbox_row(self, options: Sequence[str], selected: str | None, style: str,
                     *, label: str = "") -> None:
        """Urgency-style row. ``style``: 'glyph' (☐/☒), 'brackets' ([ ]/[X]) or 'vector'."""
        x = self.left
        if label:
            x = self.text(x, self.y, label, bold=True) + self.size
        gf = glyph_font()
        for opt in options:
            on = opt == selected
            if style == "glyph" and gf:
                self.c.setFont(gf, self.size + 1)
                mark = "☒" if on else "☐"
                self.c.drawString(x, self.y, mark)
                x += pdfmetrics.stringWidth(mark, gf, self.size + 1) + 3
            elif style == "brackets":
                x = self.text(x, self.y, "[X]" if on else "[ ]") + 3
            else:
                s = self.size * 0.9
                self.c.setLineWidth(0.9)
                self.c.rect(x, self.y - 1, s, s, stroke=1, fill=0)
                if on:
                    self.c.line(x + 1.5, self.y + 0.5, x + s - 1.5, self.y + s - 2.5)
                    self.c.line(x + 1.5, self.y + s - 2.5, x + s - 1.5, self.y + 0.5)
                x += s + 4
            x = self.text(x, self.y, opt) + self.size * 1.6
        self.y -= self.lead


def new_pen(c: Canvas, rng: random.Random, *, min_size: float) -> Pen:
    """A pen with a random family and size in [max(9, min_size), 12] pt; nothing it draws is
    smaller than ``min_size`` (small box labels are clamped up to it)."""
    fam = rng.choice(list(FAMILIES))
    size = rng.choice([s for s in (9.0, 9.5, 10.0, 10.5, 11.0, 12.0) if s >= min_size])
    return Pen(c, family=fam, size=size, left=rng.uniform(50, 72), min_size=min_size)


def fax_header(c: Canvas, text: str, page: int, pages: int) -> None:
    """Transmit line a fax machine stamps on top of every page."""
    c.setFont("Courier", 8.5)
    c.drawString(18, PAGE_H - 14, f"{text}   P.{page:03d}/{pages:03d}")
