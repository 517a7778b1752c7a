"""Where a label's value is: to its right, in a same-height line beside it, or in its column below.

A mixin for ``layout_scan.Layout``: it reads ``tokens``, ``lines`` and ``strong`` (first tokens
of labels that end a value) and answers with character spans of the page text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractors.fields.layout_labels import Label
    from extractors.fields.layout_lines import Line, Token

COLUMN_TOL = 0.02  # page widths of slack when aligning a value under its label
MAX_RIGHT_GAP = 0.35  # a value further right than this is another column's text


class ValueFinder:
    """Value-finding methods shared by the page layout (see module docstring)."""

    tokens: list[Token]
    lines: list[Line]
    strong: set[int]
    owned: set[int]

    def token_at(self, offset: int) -> int | None:  # pragma: no cover - provided by Layout
        """Index of the token at (or first after) character ``offset``."""
        raise NotImplementedError

    def value_right(self, lab: Label) -> tuple[int, int, float] | None:
        """Value on the label's line: after ":"/gap up to the next label or column gap."""
        toks, line = self.tokens, self.lines[self.tokens[lab.first].line]
        k = lab.last
        while k < line.last and toks[k].text == ":":
            k += 1
        if k >= line.last:
            return self._right_across(lab)
        if k in self.strong:
            return None
        prev = toks[lab.last - 1]
        if toks[k].seg != prev.seg and toks[k].x0 - prev.x1 > MAX_RIGHT_GAP:
            return None
        seg, end = toks[k].seg, k
        limit = k + 8 if lab.delim == "none" else line.last
        while end < min(line.last, limit) and toks[end].seg == seg and end not in self.strong:
            end += 1
        return toks[k].start, toks[end - 1].end, 1.0

    def starts_cell(self, lab: Label) -> bool:
        """True when the label begins its cell (a form label), not mid-sentence."""
        first = lab.first
        line = self.lines[self.tokens[first].line]
        return first == line.first or self.tokens[first - 1].seg != self.tokens[first].seg

    def value_wrapped(self, lab: Label) -> tuple[int, int, float] | None:
        """Start of the next line, for a label ending a line of running text.

        In a letter, "... member ID" may end one line and the ID start the next, at the left
        margin (so not under the label, where ``value_below`` looks).
        """
        tok = self.tokens[lab.last - 1]
        line = self.lines[tok.line]
        if lab.last < line.last or tok.line + 1 >= len(self.lines):
            return None
        nxt = self.lines[tok.line + 1]
        h = max(line.y1 - line.y0, 0.005)
        if not (-0.3 * h <= nxt.y0 - line.y1 <= 1.2 * h) or nxt.x0 > self.tokens[lab.first].x0:
            return None
        if nxt.first in self.strong:
            return None
        end, seg = nxt.first, self.tokens[nxt.first].seg
        while end < min(nxt.last, nxt.first + 8) and self.tokens[end].seg == seg:
            if end in self.strong:
                break
            end += 1
        return self.tokens[nxt.first].start, self.tokens[end - 1].end, 0.8

    def _right_across(self, lab: Label) -> tuple[int, int, float] | None:
        """Value in another Tesseract line at the same height, right of the label."""
        last = self.tokens[lab.last - 1]
        cy, h = (last.y0 + last.y1) / 2, last.y1 - last.y0
        best = None
        for line in self.lines:
            if (
                abs((line.y0 + line.y1) / 2 - cy) < 0.5 * h
                and 0 <= line.x0 - last.x1 <= MAX_RIGHT_GAP
            ) and (best is None or line.x0 < best.x0):
                best = line
        if best is None or best.first in self.strong:
            return None
        end = best.first
        seg = self.tokens[end].seg
        while end < best.last and self.tokens[end].seg == seg and end not in self.strong:
            end += 1
        return self.tokens[best.first].start, self.tokens[end - 1].end, 0.9

    def nearby_values(self, lab: Label) -> list[tuple[int, int]]:
        """Other places the label's value may be, nearest first.

        Form-filling software overlays values on a printed form, often a little above or below
        the label's baseline, so OCR puts them in the neighbouring text line. These are the
        first cells right of the label in lines within ~2 line heights, then the cell below;
        a component that cannot validate the primary value tries them in order.
        """
        first, last = self.tokens[lab.first], self.tokens[lab.last - 1]
        cy, h = (last.y0 + last.y1) / 2, max(last.y1 - last.y0, 0.005)
        right = self._right_bound(self.lines[first.line], lab.last)
        found: list[tuple[float, int, int]] = []
        for line in self.lines:
            dy = (line.y0 + line.y1) / 2 - cy
            if abs(dy) > 1.8 * h:
                continue
            k = line.first
            while k < line.last and self.tokens[k].x0 < last.x1 - 1e-6:
                k += 1
            if k >= line.last or k in self.strong or k in self.owned:
                continue  # a label, or another label's value
            if self.tokens[k].x0 - last.x1 > MAX_RIGHT_GAP or self.tokens[k].x0 >= right:
                continue
            end, seg = k, self.tokens[k].seg
            while end < line.last and self.tokens[end].seg == seg and end not in self.strong:
                end += 1
            found.append((abs(dy), self.tokens[k].start, self.tokens[end - 1].end))
        out = [(s, e) for _, s, e in sorted(found)]
        below = self.value_below(lab)
        if below is not None and (below[0], below[1]) not in out:
            out.append((below[0], below[1]))
        return out

    def _right_bound(self, line: Line, after: int) -> float:
        for k in range(after, line.last):
            if k in self.strong:
                return self.tokens[k].x0
        return 1.0

    def value_below(self, lab: Label) -> tuple[int, int, float] | None:
        """Value in the nearest line under the label, within the label's column."""
        toks = self.tokens
        first, last = toks[lab.first], toks[lab.last - 1]
        h = max(last.y1 - last.y0, 0.005)
        left = first.x0 - COLUMN_TOL
        right = self._right_bound(self.lines[first.line], lab.last)
        span = self._column_line(last.y1, h, 2.5, left, right, exclude=first.line)
        if span is None:
            return None
        k, end, gap = span
        return toks[k].start, toks[end - 1].end, 0.9 if gap <= 1.2 * h else 0.8

    def _column_line(
        self, y: float, h: float, max_gap: float, left: float, right: float, exclude: int
    ) -> tuple[int, int, float] | None:
        """Tokens ``[k, end)`` of the nearest line below ``y`` inside ``[left, right)``."""
        best: tuple[float, int] | None = None
        for li, line in enumerate(self.lines):
            if li == exclude or line.y0 < y - 0.3 * h or line.y0 - y > max_gap * h:
                continue
            for k in range(line.first, line.last):
                t = self.tokens[k]
                if t.x1 > left and t.x0 < right and (t.x0 + t.x1) / 2 > left:
                    if best is None or line.y0 < best[0]:
                        best = (line.y0, k)
                    break
        if best is None or best[1] in self.strong:
            return None
        k = best[1]
        t0 = self.tokens[k]
        line = self.lines[t0.line]
        if k > line.first and self.tokens[k - 1].seg == t0.seg and self.tokens[k - 1].x1 > left:
            return None  # a full-width line of another column's text, not a cell value
        end = k
        while (
            end < line.last
            and self.tokens[end].seg == t0.seg
            and end not in self.strong
            and (
                self.tokens[end].x0 < right or self.tokens[end].x0 - self.tokens[end - 1].x1 < 0.02
            )
        ):
            end += 1  # a long value may run past the next label's left edge, not past a gap
        return k, end, line.y0 - y

    def column_below(self, left_offset: int, start: int, max_lines: int) -> list[tuple[int, int]]:
        """Continuation lines under the text at ``start``, aligned with ``left_offset``."""
        a, b = self.token_at(left_offset), self.token_at(start)
        if a is None or b is None:
            return []
        tb = self.tokens[b]
        left = min(self.tokens[a].x0, tb.x0) - COLUMN_TOL
        line = self.lines[tb.line]
        seg_end = b
        while seg_end < line.last and self.tokens[seg_end].seg == tb.seg:
            seg_end += 1
        right = self.tokens[seg_end].x0 if seg_end < line.last else 1.0
        out: list[tuple[int, int]] = []
        y, h, exclude = tb.y1, max(tb.y1 - tb.y0, 0.005), tb.line
        for _ in range(max_lines):
            span = self._column_line(y, h, 1.0, left, right, exclude)
            if span is None:
                break
            k, end, _gap = span
            out.append((self.tokens[k].start, self.tokens[end - 1].end))
            y, exclude = self.tokens[k].y1, self.tokens[k].line
        return out
