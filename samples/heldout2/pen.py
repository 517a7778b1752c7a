"""Drawing on a reportlab page in top-left coordinates: text, rules, boxes, marks, wrapping."""

from __future__ import annotations

import random
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

W, H = letter
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
)
_TTF = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSansCondensed": "DejaVuSansCondensed.ttf",
    "DejaVuSansCondensed-Bold": "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSansMono": "DejaVuSansMono.ttf",
    "LiberationSans": "LiberationSans-Regular.ttf",
    "LiberationSans-Bold": "LiberationSans-Bold.ttf",
    "LiberationSerif": "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold": "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic": "LiberationSerif-Italic.ttf",
    "LiberationMono": "LiberationMono-Regular.ttf",
    "LiberationMono-Bold": "LiberationMono-Bold.ttf",
    "LiberationSansNarrow": "LiberationSansNarrow-Regular.ttf",
    "LiberationSansNarrow-Bold": "LiberationSansNarrow-Bold.ttf",
}
_BUILTIN_BOLD = {
    "Helvetica": "Helvetica-Bold",
    "Times-Roman": "Times-Bold",
    "Courier": "Courier-Bold",
}
_registered: set[str] = set()


def _register() -> list[str]:
    """Register every installed TTF once; return the usable regular faces."""
    if not _registered:
        for name, file in _TTF.items():
            for folder in _FONT_DIRS:
                if (folder / file).exists():
                    pdfmetrics.registerFont(TTFont(name, str(folder / file)))
                    _registered.add(name)
                    break
    faces = ["Helvetica", "Times-Roman", "Courier"]
    faces += [n for n in _registered if "-" not in n]
    return sorted(faces)


def bold_of(face: str) -> str:
    """The bold cut of a face (the face itself when none is installed)."""
    if face in _BUILTIN_BOLD:
        return _BUILTIN_BOLD[face]
    return f"{face}-Bold" if f"{face}-Bold" in _registered else face


@dataclass
class Style:
    """A document's typography: face, bold face, body size, label case."""

    face: str
    size: float
    upper_labels: bool
    colon: bool

    @property
    def bold(self) -> str:
        """Bold cut."""
        return bold_of(self.face)

    def label(self, text: str) -> str:
        """A label in this document's convention."""
        text = text.upper() if self.upper_labels else text
        return text + ":" if self.colon and not text.endswith((":", "?", "#")) else text


def new_style(rng: random.Random, min_size: float) -> Style:
    """Random typography; ``min_size`` keeps low-resolution faxes readable."""
    faces = _register()
    face = rng.choice(faces)
    size = round(rng.uniform(max(min_size, 8.0), max(min_size, 8.0) + 3.0), 1)
    return Style(face=face, size=size, upper_labels=rng.random() < 0.3, colon=rng.random() < 0.7)


class Doc:
    """A multi-page PDF being drawn; pages are numbered from 1."""

    def __init__(self, rng: random.Random, min_size: float) -> None:
        _register()
        self.rng = rng
        self.min_size = min_size
        self.buf = BytesIO()
        self.canvas = Canvas(self.buf, pagesize=letter, invariant=1)
        self.count = 0

    def page(self) -> Pen:
        """Start a new page."""
        if self.count:
            self.canvas.showPage()
        self.count += 1
        return Pen(self.canvas, self.rng, self.count, self.min_size)

    def pdf(self) -> bytes:
        """Finish and return the bytes."""
        self.canvas.showPage()
        self.canvas.save()
        return self.buf.getvalue()


class Pen:
    """Top-left coordinate drawing on one page."""

    def __init__(self, canvas: Canvas, rng: random.Random, number: int, min_size: float) -> None:
        self.c = canvas
        self.rng = rng
        self.number = number
        self.min_size = min_size
        self.style = new_style(rng, min_size)

    def size(self, size: float) -> float:
        """A size no smaller than the document's readable minimum."""
        return max(size, self.min_size)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        font: str | None = None,
        size: float | None = None,
        align: str = "l",
    ) -> float:
        """Draw ``s`` with its baseline at ``y`` from the top; return its width."""
        font = font or self.style.face
        size = self.size(size or self.style.size)
        self.c.setFont(font, size)
        width = pdfmetrics.stringWidth(s, font, size)
        if align == "c":
            x -= width / 2
        elif align == "r":
            x -= width
        self.c.drawString(x, H - y, s)
        return width

    def width(self, s: str, font: str | None = None, size: float | None = None) -> float:
        """Width of a string."""
        return pdfmetrics.stringWidth(
            s, font or self.style.face, self.size(size or self.style.size)
        )

    def wrap(
        self,
        x: float,
        y: float,
        s: str,
        max_w: float,
        font: str | None = None,
        size: float | None = None,
        leading: float = 1.3,
    ) -> float:
        """Draw wrapped text; return the y below the last line."""
        font = font or self.style.face
        size = self.size(size or self.style.size)
        line = ""
        for word in s.split():
            trial = f"{line} {word}".strip()
            if pdfmetrics.stringWidth(trial, font, size) > max_w and line:
                self.text(x, y, line, font, size)
                y += size * leading
                line = word
            else:
                line = trial
        if line:
            self.text(x, y, line, font, size)
            y += size * leading
        return y

    def line(self, x1: float, y1: float, x2: float, y2: float, w: float = 0.7) -> None:
        """A rule."""
        self.c.setLineWidth(w)
        self.c.line(x1, H - y1, x2, H - y2)

    def rect(
        self, x: float, y: float, w: float, h: float, lw: float = 0.7, fill: float | None = None
    ) -> None:
        """A box with top-left at (x, y); ``fill`` a grey level 0-1."""
        self.c.setLineWidth(lw)
        if fill is not None:
            self.c.setFillGray(fill)
            self.c.rect(x, H - y - h, w, h, stroke=1, fill=1)
            self.c.setFillGray(0)
        else:
            self.c.rect(x, H - y - h, w, h, stroke=1, fill=0)

    def bar(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        title: str,
        size: float | None = None,
        grey: float = 0.25,
    ) -> None:
        """A dark header bar with white bold text."""
        self.c.setFillGray(grey)
        self.c.rect(x, H - y - h, w, h, stroke=0, fill=1)
        self.c.setFillGray(1)
        size = self.size(size or self.style.size + 1)
        self.text(x + 5, y + h / 2 + size * 0.35, title, self.style.bold, size)
        self.c.setFillGray(0)

    def ellipse(self, x: float, y: float, w: float, h: float) -> None:
        """An ellipse around (x, y, w, h), e.g. a circled option."""
        self.c.setLineWidth(1.1)
        self.c.ellipse(x, H - y - h, x + w, H - y, stroke=1, fill=0)

    def char_boxes(
        self, x: float, y: float, chars: str, cell: float, n: int | None = None
    ) -> float:
        """One character per box (DOB, member ID); return the right edge."""
        n = n or len(chars)
        size = self.size(cell * 0.62)
        for i in range(n):
            self.rect(x + i * cell, y, cell, cell * 1.15, lw=0.6)
            if i < len(chars):
                self.text(x + i * cell + cell / 2, y + cell * 0.85, chars[i], None, size, "c")
        return x + n * cell

    def option(
        self, x: float, y: float, label: str, kind: str, size: float | None = None, *, marked: bool
    ) -> float:
        """A checklist option with its mark in one of the usual ways; return its width."""
        size = self.size(size or self.style.size)
        box = size * 0.95
        face = self.style.face
        if kind in ("glyph", "glyph_check"):
            glyph = ("☒" if kind == "glyph" else "☑") if marked else "☐"
            w = self.text(x, y, glyph, "DejaVuSans", size * 1.15)
            return w + self.text(x + w + 3, y, label, face, size) + 3
        if kind == "brackets":
            w = self.text(x, y, "[X]" if marked else "[  ]", face, size)
            return w + self.text(x + w + 3, y, label, face, size) + 3
        if kind == "circle":
            w = self.text(x, y, label, face, size)
            if marked:
                self.ellipse(x - 4, y - size * 0.95, w + 8, size * 1.45)
            return w + 6
        top = y - box * 0.85
        self.rect(x, top, box, box, lw=0.7, fill=0 if (marked and kind == "filled") else None)
        if marked and kind == "xdraw":
            self.line(x - 1, top - 1, x + box + 1, top + box + 1, 1.3)
            self.line(x - 1, top + box + 1, x + box + 1, top - 1, 1.3)
        elif marked and kind == "tick":
            self.c.setLineWidth(1.6)
            p = self.c.beginPath()
            p.moveTo(x + 1, H - top - box * 0.55)
            p.lineTo(x + box * 0.4, H - top - box - 1)
            p.lineTo(x + box * 1.3, H - top + 3)
            self.c.drawPath(p, stroke=1, fill=0)
        return box + 4 + self.text(x + box + 4, y, label, face, size) + 3


MARK_KINDS = ("glyph", "glyph_check", "brackets", "xdraw", "tick", "filled", "circle")
