"""Label matches on one text line: lexicon n-grams, their delimiters, qualifier merging.

A label is a lexicon wording that fills its cell or ends in ":" ("DOB:", "Patient Name" over a
cell), or a wording in running text followed by a value ("DOB 03/04/1961"). Matching is greedy
longest-first over the tokens of one cell, so "Date of Birth" wins over "Date".
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.fields.labels import Entry, Lexicon
from extractors.fields.layout_lines import Line, Token

COLONS = (":", ";")


@dataclass(frozen=True)
class Label:
    """An accepted label or section header, tokens ``[first, last)``."""

    key: str | None
    entry: Entry
    text: str
    start: int
    end: int
    first: int
    last: int
    score: float
    delim: str  # "colon" | "gap" | "none"
    whole: bool  # fills its cell
    section: str | None = None
    header: bool = False


def match_line(lex: Lexicon, text: str, toks: list[Token], line: Line) -> list[Label]:
    """Greedy longest-first lexicon matches on one line, with their delimiters."""
    out: list[Label] = []
    i = line.first
    while i < line.last:
        found = None
        for n in range(min(lex.max_words, line.last - i), 0, -1):
            j = i + n
            if toks[j - 1].seg != toks[i].seg:
                continue
            if any(toks[k].text.endswith(":") for k in range(i, j - 1)):
                continue
            s, e = toks[i].start, toks[j - 1].end
            if e - s > 48:
                continue
            m = lex.lookup(text[s:e])
            if m is not None and m.score < 1.0 and any(c.isdigit() for c in toks[j - 1].text):
                continue  # "Phone +1" is not a misread "Phone #": fuzzy labels end in words
            if m is not None and m.score >= 0.8:
                found = (j, m)
                break
        if found is None:
            i += 1
            continue
        j, m = found
        seg_start = i == line.first or toks[i - 1].seg != toks[i].seg
        seg_end = j == line.last or toks[j].seg != toks[j - 1].seg
        lone = j < line.last and toks[j].text in COLONS and toks[j].x0 - toks[j - 1].x1 < 0.06
        colon = (
            toks[j - 1].text[-1] == ":"
            or (toks[j - 1].text[-1] == ";" and seg_start)  # OCR ":" → ";", not a prose ";"
            or lone
            or (j < line.last and toks[j].text.startswith(":") and toks[j].seg == toks[i].seg)
        )
        delim = "colon" if colon else ("gap" if seg_start and seg_end else "none")
        after = j + 1 if lone else j
        whole = seg_start and (after == line.last or toks[after].seg != toks[after - 1].seg)
        e = toks[j - 1].end - (1 if toks[j - 1].text[-1] in COLONS else 0)
        s = toks[i].start
        out.append(Label(None, m.entry, text[s:e], s, e, i, j, m.score, delim, whole))
        i = j
    return _merge_qualifiers(out, text)


def _merge_qualifiers(raw: list[Label], text: str) -> list[Label]:
    """Join "Referring Provider" + "Phone:" into one label scoped to its qualifier's section."""
    out: list[Label] = []
    for lab in raw:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.delim == "none"
            and prev.entry.section
            and prev.last == lab.first
            and lab.entry.generic
        ):
            out[-1] = Label(
                None,
                lab.entry,
                text[prev.start : lab.end],
                prev.start,
                lab.end,
                prev.first,
                lab.last,
                min(prev.score, lab.score),
                lab.delim,
                prev.whole and lab.whole,
                section=prev.entry.section,
            )
            continue
        out.append(lab)
    return out


def with_key(
    lab: Label, key: str | None, score: float, section: str | None, *, header: bool
) -> Label:
    return Label(
        key,
        lab.entry,
        lab.text,
        lab.start,
        lab.end,
        lab.first,
        lab.last,
        round(score, 3),
        lab.delim,
        lab.whole,
        section,
        header,
    )
