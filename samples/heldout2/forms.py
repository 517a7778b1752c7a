"""Referral forms: boxed grids, signature-line forms, ruled key/value tables, stacked labels."""

from __future__ import annotations

import random
from dataclasses import dataclass

from samples.heldout2 import checks
from samples.heldout2.case import Case
from samples.heldout2.items import SECTION_TITLES, Item, Plan, mark_shown
from samples.heldout2.pen import H, Pen, W

ORGS = (
    "Mercy Regional Health System",
    "Valley Crest Hospital",
    "St. Agnes Medical Center",
    "Northshore University Health",
    "Pinecrest Health Network",
    "Sunrise Community Hospital",
    "Lakeland Specialty Group",
    "Metro Health Alliance",
    "Cascade Medical Center",
)
TITLES = (
    "Referral Request Form",
    "Specialty Referral Form",
    "Outpatient Consultation Request",
    "REFERRAL / AUTHORIZATION REQUEST",
    "Request for Specialist Consultation",
    "Provider Referral Form",
    "Consult Referral",
    "Specialty Care Referral",
)
ORDER = ("patient", "insurance", "referring", "consultant", "referral")
WIDE = {"patient.address", "referral.clinical_question", "referral.diagnoses"}
BOTTOM = H - 40


def header(pen: Pen, rng: random.Random, case: Case, x0: float, x1: float) -> float:
    """Organisation and form title; return the y below."""
    org = rng.choice((*ORGS, case.insurance.payer))
    s = pen.style
    y = rng.uniform(40, 62)
    align = rng.choice("lc")
    xa = x0 if align == "l" else (x0 + x1) / 2
    pen.text(xa, y, org, s.bold, s.size + 4, align)
    y += s.size + 8
    pen.text(xa, y, rng.choice(TITLES), s.bold if rng.random() < 0.5 else s.face, s.size + 2, align)
    if rng.random() < 0.5:
        pen.text(
            x1,
            40,
            f"Form {rng.choice('ABCRP')}{rng.randint(100, 999)} rev. {rng.randint(1, 12):02d}/"
            f"{rng.randint(18, 25)}",
            s.face,
            s.size - 2,
            "r",
        )
    y += 10
    if rng.random() < 0.6:
        pen.line(x0, y, x1, y, 1.2)
        y += 8
    return y + 6


def _section_title(
    pen: Pen, rng: random.Random, name: str, x0: float, x1: float, y: float, *, bar: bool
) -> float:
    title = rng.choice(SECTION_TITLES[name])
    if bar:
        h = pen.style.size + 7
        pen.bar(
            x0,
            y,
            x1 - x0,
            h,
            title.upper() if rng.random() < 0.5 else title,
            grey=rng.choice((0.2, 0.35, 0.5)),
        )
        return y + h + 4
    pen.text(x0, y + pen.style.size + 2, title, pen.style.bold, pen.style.size + 1)
    pen.line(x0, y + pen.style.size + 5, x1, y + pen.style.size + 5, 0.8)
    return y + pen.style.size + 12


def _rows(rng: random.Random, items: list[Item], per_row: int) -> list[list[Item]]:
    rows: list[list[Item]] = []
    current: list[Item] = []
    for item in items:
        if item.key in WIDE:
            if current:
                rows.append(current)
                current = []
            rows.append([item])
            continue
        current.append(item)
        if len(current) >= per_row or (len(current) >= 2 and rng.random() < 0.25):
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


@dataclass
class Filler:
    """How values were typed into a form: font and how far each lands off its line."""

    font: str
    jitter: float
    rng: random.Random

    def put(self, pen: Pen, x: float, y: float, text: str, size: float) -> None:
        """Type one value, a little off where a clean render would put it."""
        dx = self.rng.uniform(-self.jitter, self.jitter * 2)
        dy = self.rng.uniform(-self.jitter, self.jitter * 0.5)
        pen.text(x + dx, y + dy, text, self.font, size)


def _filler(rng: random.Random, pen: Pen, face: str | None = None) -> Filler:
    """Values in the form's own face, or typed in later on a typewriter-like face, askew."""
    if rng.random() < 0.4:
        return Filler(
            rng.choice(("Courier", "LiberationMono", "Courier")), rng.uniform(0.5, 2.5), rng
        )
    return Filler(face or pen.style.face, 0.0, rng)


def _fit(pen: Pen, value: str, width: float, size: float, font: str | None = None) -> float:
    """The largest size <= ``size`` (and >= the readable minimum) at which value fits."""
    while size > pen.min_size and pen.width(value, font, size) > width:
        size -= 0.5
    return size


def _checklists(pen: Pen, rng: random.Random, case: Case, plan: Plan, section: str) -> list[str]:
    """Which of this section's fields to draw as checklists instead of boxes."""
    out = []
    if section == "referral" and "referral.specialty" in plan.items and rng.random() < 0.5:
        out.append("referral.specialty")
    if section == "referral" and "referral.urgency" in plan.items and rng.random() < 0.6:
        out.append("referral.urgency")
    if section == "patient" and "patient.sex" in plan.items and rng.random() < 0.5:
        out.append("patient.sex")
    return out


def _draw_checklists(
    pen: Pen,
    rng: random.Random,
    case: Case,
    plan: Plan,
    keys: list[str],
    x0: float,
    x1: float,
    y: float,
) -> float:
    kind = rng.choice(("glyph", "glyph_check", "brackets", "xdraw", "tick", "filled", "circle"))
    for key in keys:
        label = pen.style.label(plan.items[key].label)
        if key == "referral.urgency":
            y = checks.urgency_row(pen, rng, case, x0 + 4, y + pen.style.size + 4, x1, label, kind)
        elif key == "patient.sex":
            y = checks.sex_row(pen, rng, case, x0 + 4, y + pen.style.size + 4, x1, label, kind)
        else:
            y = checks.specialty_grid(pen, rng, case, x0 + 4, y + 2, x1, label, kind)
    return y


def grid_form(pen: Pen, rng: random.Random, case: Case, plan: Plan) -> None:
    """Boxes with the label small in the top-left corner and the value below it."""
    x0 = rng.uniform(28, 48)
    x1 = W - rng.uniform(28, 48)
    y = header(pen, rng, case, x0, x1)
    bar = rng.random() < 0.6
    order = ["patient", "insurance", "referring", "consultant", "referral"]
    if rng.random() < 0.4:
        order = ["referring", "consultant", "patient", "insurance", "referral"]
    label_size = pen.size(pen.style.size - 2.5)
    value_size = pen.style.size + 0.5
    char_dob = rng.random() < 0.3 and plan.dob_style in ("mdy", "md_y_dash")
    char_id = rng.random() < 0.3
    fill = _filler(rng, pen)
    for section in order:
        keys = plan.section(section)
        if not keys:
            continue
        lists = _checklists(pen, rng, case, plan, section)
        boxed = [plan.items[k] for k in keys if k not in lists]
        y = _section_title(pen, rng, section, x0, x1, y, bar=bar)
        for row in _rows(rng, boxed, rng.choice((2, 3, 3, 4))):
            weights = [max(len(i.value), len(i.label), 8) for i in row]
            if len(row) == 1:
                weights = [1]
            lines = 1
            if row[0].key in WIDE and len(row) == 1:
                text_w = pen.width(row[0].value, fill.font, value_size)
                lines = max(1, int(text_w * 1.1 // (x1 - x0 - 10)) + 1)
            h = label_size + 6 + lines * value_size * 1.3 + 4
            if y + h > BOTTOM:
                break
            x = x0
            for item, wgt in zip(row, weights, strict=True):
                bw = (x1 - x0) * wgt / sum(weights)
                pen.rect(x, y, bw, h, lw=0.6)
                pen.text(x + 3, y + label_size + 2, pen.style.label(item.label), None, label_size)
                vy = y + label_size + 4 + value_size
                if item.key == "patient.dob" and char_dob:
                    digits = item.value.replace("/", "").replace("-", "")
                    pen.char_boxes(x + 4, vy - value_size * 0.9, digits, min(14, (bw - 8) / 8))
                elif item.key == "insurance.member_id" and char_id:
                    n = len(item.value) + rng.randint(0, 3)
                    pen.char_boxes(
                        x + 4, vy - value_size * 0.9, item.value, min(14, (bw - 8) / n), n
                    )
                elif lines > 1:
                    pen.wrap(x + 4, vy, item.value, bw - 8, fill.font, value_size)
                else:
                    fill.put(
                        pen,
                        x + 4,
                        vy,
                        item.value,
                        _fit(pen, item.value, bw - 8, value_size, fill.font),
                    )
                mark_shown(case, plan, [item.key])
                x += bw
            y += h
        if lists and y + 80 < BOTTOM:
            y = _draw_checklists(pen, rng, case, plan, lists, x0, x1, y)
        y += rng.uniform(6, 16)
    _signature(pen, rng, x0, x1, y)


def _signature(pen: Pen, rng: random.Random, x0: float, x1: float, y: float) -> None:
    """A provider signature line (no values)."""
    y = max(y + 30, H - 90) if y + 30 < H - 50 else None
    if y is None or rng.random() < 0.3:
        return
    pen.line(x0, y, x0 + 220, y)
    pen.text(x0, y + 10, "Provider Signature", None, pen.size(pen.style.size - 2))
    pen.line(x1 - 140, y, x1, y)
    pen.text(x1 - 140, y + 10, "Date", None, pen.size(pen.style.size - 2))


def underline_form(pen: Pen, rng: random.Random, case: Case, plan: Plan) -> None:
    """Values written on lines with their label printed under the line."""
    x0 = rng.uniform(36, 60)
    x1 = W - rng.uniform(36, 60)
    y = header(pen, rng, case, x0, x1)
    label_size = pen.size(pen.style.size - 2)
    value_size = pen.style.size + 1
    face = rng.choice((pen.style.face, "Courier", "Helvetica"))
    fill = _filler(rng, pen, face)
    keys = [k for sec in ORDER for k in plan.section(sec)]
    lists = [
        k
        for k in ("referral.urgency", "referral.specialty", "patient.sex")
        if k in keys and rng.random() < 0.4
    ]
    rows = _rows(rng, [plan.items[k] for k in keys if k not in lists], rng.choice((2, 3)))
    for row in rows:
        wide = len(row) == 1 and row[0].key in WIDE
        line_h = value_size * 1.35
        n_lines = 1
        if wide:
            n_lines = int(pen.width(row[0].value, face, value_size) // (x1 - x0)) + 1
        if y + n_lines * line_h + label_size + 22 > BOTTOM:
            break
        gap = 14
        bw = (x1 - x0 - gap * (len(row) - 1)) / len(row)
        for i, item in enumerate(row):
            x = x0 + i * (bw + gap)
            yy = y + value_size
            if wide:
                yy = pen.wrap(x + 2, yy, item.value, bw - 4, face, value_size, 1.35) - line_h
            else:
                fill.put(
                    pen, x + 2, yy, item.value, _fit(pen, item.value, bw - 4, value_size, fill.font)
                )
            pen.line(x, yy + 3, x + bw, yy + 3, 0.6)
            pen.text(
                x,
                yy + 3 + label_size + 1,
                pen.style.label(item.label) if rng.random() < 0.3 else item.label,
                None,
                label_size,
            )
            mark_shown(case, plan, [item.key])
        y += n_lines * line_h + label_size + 16
    if lists and y + 90 < BOTTOM:
        _draw_checklists(pen, rng, case, plan, lists, x0, x1, y + 4)


def table_form(pen: Pen, rng: random.Random, case: Case, plan: Plan) -> None:
    """Ruled key/value table: one or two label/value pairs per row, shaded label cells."""
    x0 = rng.uniform(30, 54)
    x1 = W - rng.uniform(30, 54)
    y = header(pen, rng, case, x0, x1)
    pairs = rng.choice((1, 2, 2))
    shade = rng.choice((None, 0.88, 0.92))
    size = pen.style.size
    row_h = size * 1.9
    label_w = max(
        pen.width(pen.style.label(i.label), pen.style.bold, size) for i in plan.items.values()
    )
    label_w = min(label_w + 10, (x1 - x0) / (2 * pairs) * 0.9)
    cell_w = (x1 - x0) / pairs
    keys = [k for sec in ORDER for k in plan.section(sec)]
    use_lists = rng.random() < 0.4
    lists = [k for k in ("referral.specialty", "referral.urgency") if use_lists and k in keys]
    queue = [plan.items[k] for k in keys if k not in lists]
    col = 0
    for item in queue:
        wide = item.key in WIDE
        if wide and col:
            y += row_h
            col = 0
        span = pairs if wide else 1
        vw = cell_w * span - label_w - 8
        lines = int(pen.width(item.value, size=size) // vw) + 1 if wide else 1
        h = row_h if lines == 1 else lines * size * 1.3 + 8
        if y + h > BOTTOM:
            break
        x = x0 + col * cell_w
        pen.rect(x, y, label_w, h, 0.6, shade)
        pen.rect(x + label_w, y, cell_w * span - label_w, h, 0.6)
        pen.text(x + 4, y + size * 1.3, pen.style.label(item.label), pen.style.bold, size)
        if lines == 1:
            pen.text(
                x + label_w + 4, y + size * 1.3, item.value, None, _fit(pen, item.value, vw, size)
            )
        else:
            pen.wrap(x + label_w + 4, y + size * 1.3, item.value, vw, None, size)
        mark_shown(case, plan, [item.key])
        col += span
        if col >= pairs:
            col = 0
            y += h
    y += row_h + 8
    if lists and y + 90 < BOTTOM:
        _draw_checklists(pen, rng, case, plan, lists, x0, x1, y)


def stacked_form(pen: Pen, rng: random.Random, case: Case, plan: Plan) -> None:
    """Plain 'Label value' lines, in sections, labels in a fixed column or run-in."""
    x0 = rng.uniform(40, 70)
    x1 = W - rng.uniform(40, 70)
    y = header(pen, rng, case, x0, x1)
    size = pen.style.size
    run_in = rng.random() < 0.5
    col = (
        x0
        + max(
            pen.width(pen.style.label(i.label), pen.style.bold, size) for i in plan.items.values()
        )
        + 12
    )
    col = min(col, x0 + 200)
    label_font = pen.style.bold if rng.random() < 0.6 else pen.style.face
    lists_done = False
    for section in ORDER:
        keys = plan.section(section)
        if not keys:
            continue
        if rng.random() < 0.6:
            y += 6
            pen.text(
                x0, y + size, rng.choice(SECTION_TITLES[section]).upper(), pen.style.bold, size + 1
            )
            y += size * 1.9
        lists = []
        if section == "referral" and not lists_done and rng.random() < 0.4:
            lists = [k for k in ("referral.urgency", "referral.specialty") if k in keys]
            lists_done = True
        for key in keys:
            if key in lists:
                continue
            item = plan.items[key]
            label = pen.style.label(item.label)
            vx = x0 + pen.width(label, label_font, size) + 6 if run_in else col
            lines = int(pen.width(item.value, size=size) // (x1 - vx)) + 1
            if y + lines * size * 1.4 + 8 > BOTTOM:
                break
            pen.text(x0, y + size, label, label_font, size)
            y = pen.wrap(vx, y + size, item.value, x1 - vx, None, size, 1.4) - size + 4
            mark_shown(case, plan, [key])
        if lists and y + 90 < BOTTOM:
            y = _draw_checklists(pen, rng, case, plan, lists, x0, x1, y)


def panel_form(pen: Pen, rng: random.Random, case: Case, plan: Plan) -> None:
    """Three ruled panels side by side (patient | coverage | referring), request details below."""
    x0 = rng.uniform(26, 44)
    x1 = W - rng.uniform(26, 44)
    y = header(pen, rng, case, x0, x1)
    size = pen.size(pen.style.size - 0.5)
    lead = size * 1.35
    gap = 6
    panels = [("patient",), ("insurance", "consultant"), ("referring",)]
    if rng.random() < 0.5:
        panels = [("patient",), ("referring",), ("insurance", "consultant")]
    col_w = (x1 - x0 - 2 * gap) / 3
    stacked = rng.random() < 0.5  # label on its own line above the value, or run-in
    bottoms = []
    for i, sections in enumerate(panels):
        cx = x0 + i * (col_w + gap)
        cy = y
        title = rng.choice(SECTION_TITLES[sections[0]])
        pen.rect(cx, cy, col_w, size + 8, 0.6, rng.choice((0.85, 0.9, None)))
        pen.text(
            cx + 4,
            cy + size + 3,
            title.upper() if pen.style.upper_labels else title,
            pen.style.bold,
            size,
        )
        cy += size + 8 + lead
        for section in sections:
            for key in plan.section(section):
                if cy > H * 0.66:  # keep room for the request below; the rest is not printed
                    break
                item = plan.items[key]
                label = pen.style.label(item.label)
                if stacked:
                    pen.text(cx + 4, cy, label, pen.style.bold, pen.size(size - 1.5))
                    cy = pen.wrap(cx + 8, cy + lead, item.value, col_w - 12, None, size, 1.3)
                else:
                    lw = pen.width(label + " ", pen.style.bold, size)
                    pen.text(cx + 4, cy, label, pen.style.bold, size)
                    if lw > col_w * 0.5:
                        cy += lead
                        lw = 8
                    cy = pen.wrap(cx + 4 + lw, cy, item.value, col_w - lw - 8, None, size, 1.3)
                cy += 2
                mark_shown(case, plan, [key])
        bottoms.append(cy)
    bottom = max(bottoms) + 4
    for i in range(3):
        pen.rect(x0 + i * (col_w + gap), y, col_w, bottom - y, 0.8)
    y = bottom + 14
    keys = plan.section("referral")
    lists = [
        k for k in ("referral.specialty", "referral.urgency") if k in keys and rng.random() < 0.5
    ]
    title = rng.choice(SECTION_TITLES["referral"])
    pen.text(x0, y + size, title.upper(), pen.style.bold, size + 1)
    y += size + 10
    for key in keys:
        if key in lists:
            continue
        item = plan.items[key]
        label = pen.style.label(item.label)
        lw = pen.width(label + "  ", pen.style.bold, size)
        if y + lead * 2 > BOTTOM:
            break
        pen.text(x0, y + size, label, pen.style.bold, size)
        y = pen.wrap(x0 + lw, y + size, item.value, x1 - x0 - lw, None, size, 1.35) - size + 4
        mark_shown(case, plan, [key])
    if lists and y + 90 < BOTTOM:
        _draw_checklists(pen, rng, case, plan, lists, x0, x1, y + 6)


FORMS = {
    "panel": panel_form,
    "grid": grid_form,
    "underline": underline_form,
    "table": table_form,
    "stacked": stacked_form,
}
