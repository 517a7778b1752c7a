"""Layout 1: fax cover sheet + referral form (+ optional clinical-notes page)."""

from __future__ import annotations

from samples.generate.layouts.cover import cover_page
from samples.generate.layouts.form import form_page, notes_page
from samples.generate.model import Ctx, Doc, new_case


def build(ctx: Ctx, *, notes: bool | None = None, red_flag: bool | None = None,
          urgency_modes: tuple[str, ...] = ("checkbox", "words", "none"),
          specialty: str | None = None, negations: tuple[str, ...] = ()) -> Doc:
    """Cover + form; ``notes`` adds a progress-note page (a 3-page fax)."""
    r = ctx.rng
    case = new_case(ctx, red_flag=red_flag, urgency_modes=urgency_modes, specialty=specialty,
                    negations=negations)
    with_notes = r.random() < 0.4 if notes is None else notes
    n = 3 if with_notes else 2
    regarding = r.choice(["Referral", "New patient referral", "Patient referral - please schedule",
                          "Consult request"])
    cover = cover_page(ctx, case.provider, case.style, pages=n, when=case.referral_date,
                       regarding=regarding)
    pages = [cover, form_page(ctx, case)]
    if with_notes:
        pages.append(notes_page(ctx, case))
    return Doc(layout="cover_form", document_type="referral", pages=pages,
               referrals=[(list(range(2, n + 1)), case)],
               sender=(case.provider.practice, case.provider.fax))
