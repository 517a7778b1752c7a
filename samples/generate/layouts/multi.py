"""Layout 4: one fax carrying referrals for two or three different patients.

All referrals come from the same practice; some span two pages (form + notes). The pipeline
must split them: the truth lists each referral's pages.
"""

from __future__ import annotations

from samples.generate.layouts.cover import cover_page
from samples.generate.layouts.form import form_page, notes_page
from samples.generate.model import Case, Ctx, Doc, PageFn, new_case


def build(ctx: Ctx, *, patients: int | None = None) -> Doc:
    r = ctx.rng
    k = patients or r.choice([2, 2, 3])
    provider = ctx.people.provider()
    cases: list[Case] = [new_case(ctx, provider=provider) for _ in range(k)]
    for cs in cases[1:]:
        cs.referral_date = cases[0].referral_date
        cs.style = cases[0].style  # same sender, same template habits
    body: list[PageFn] = []
    refs: list[tuple[list[int], Case]] = []
    title = None if r.random() < 0.3 else "REFERRAL FORM"
    for cs in cases:
        start = len(body) + 2
        body.append(form_page(ctx, cs, title=title))
        if r.random() < 0.5:
            body.append(notes_page(ctx, cs))
        refs.append((list(range(start, len(body) + 2)), cs))
    cover = cover_page(ctx, provider, cases[0].style, pages=len(body) + 1,
                       when=cases[0].referral_date,
                       regarding=f"{k} referrals", message=r.choice([
                           f"Please find {k} new patient referrals attached.",
                           f"Attached are referrals for {k} patients. Please call with questions.",
                       ]))
    return Doc(layout="multi", document_type="referral", pages=[cover, *body], referrals=refs,
               sender=(provider.practice, provider.fax))
