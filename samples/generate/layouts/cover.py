"""Fax cover sheets: the first page of most faxed referrals, full of distractor numbers.

The recipient's fax number and the sender's numbers sit next to each other here; only the
sender's belong in the truth (as ``referring.phone``/``referring.fax``), which is the point.
"""

from __future__ import annotations

from datetime import date

from reportlab.pdfgen.canvas import Canvas

from samples.generate.formats import Styler
from samples.generate.kit import new_pen
from samples.generate.model import Ctx, PageFn
from samples.generate.people import Provider, make_phone

TITLES = ("FAX", "Fax Cover Sheet", "FACSIMILE TRANSMITTAL", "FAX TRANSMISSION",
          "Confidential Fax")
RECIPIENTS = ("Referral Coordinator", "Central Scheduling", "New Patient Intake",
              "Referrals Department", "Specialty Clinic Intake", "Patient Access Center")
NOTICES = (
    "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is "
    "privileged and confidential. If you are not the intended recipient, any review, "
    "disclosure, copying or distribution is prohibited. If you received this fax in error, "
    "please notify the sender by telephone and destroy all copies.",
    "The documents accompanying this transmission contain confidential health information that "
    "is legally privileged. This information is intended only for the use of the recipient "
    "named above. If you have received this fax in error, please call us immediately.",
)


def cover_page(ctx: Ctx, sender: Provider, style: Styler, *, pages: int, when: date,
               regarding: str, message: str = "") -> PageFn:
    """A cover sheet page function. ``pages`` counts the cover itself."""
    r = ctx.rng
    title = r.choice(TITLES)
    to_name = r.choice(RECIPIENTS)
    to_org = ctx.people.company() + r.choice([" Specialty Group", " Medical Center", " Clinic",
                                              " Physicians"])
    to_fax = make_phone(r)
    to_phone = make_phone(r)
    sender_name = style.provider_name(sender.first, sender.middle, sender.last, sender.credential)
    pages_label = r.choice(["Pages:", "Number of pages (including cover):", "# Pages:",
                            "Total pages:"])
    boxed = r.random() < 0.4
    size_min = ctx.min_font

    def draw(c: Canvas) -> None:
        pen = new_pen(c, r, min_size=size_min)
        pen.line(sender.practice, bold=True, size=pen.size + 3)
        pen.line(sender.street)
        pen.line(sender.city_line)
        pen.line(f"Tel {style.phone(sender.phone)}   Fax {style.phone(sender.fax)}")
        pen.skip(1.5)
        pen.line(title, bold=True, size=pen.size + 12, center=r.random() < 0.5)
        pen.skip(1)
        rows = [
            ("To:", f"{to_name}, {to_org}"), ("Fax:", style.phone(to_fax)),
            ("Phone:", style.phone(to_phone)), ("From:", sender_name),
            ("Fax:", style.phone(sender.fax)), ("Phone:", style.phone(sender.phone)),
            ("Date:", style.date(when)), (pages_label, str(pages)), ("RE:", regarding),
        ]
        if boxed:
            half = (pen.right - pen.left) / 2 - 6
            i = 0
            while i < len(rows):  # two boxes a row unless a value is too wide for half
                pair = rows[i:i + 2]
                if any(pen.width(v) > half - 10 for _, v in pair):
                    pair = pair[:1]
                w = half if len(pair) == 2 else pen.right - pen.left
                for j, (lab, val) in enumerate(pair):
                    pen.field_box(lab.rstrip(":"), val, pen.left + j * (half + 12), w)
                pen.y -= pen.size * 3.6
                i += len(pair)
        else:
            for lab, val in rows:
                pen.field_right(lab, val, tab=pen.size * 9)
                pen.skip(1.2)
        pen.skip(1)
        if message:
            pen.field_right("Comments:", "")
            pen.skip()
            pen.para(message)
            pen.skip()
        pen.rule()
        pen.size = max(size_min, pen.size - 1)
        pen.para(r.choice(NOTICES))

    return draw
