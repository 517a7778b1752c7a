"""Label matches on one text line: lexicon n-grams, their delimiters, qualifier merging.

A label is a lexicon wording that fills its cell or ends in ":" ("DOB:", "Patient Name" over a
cell), or a wording in running text followed by a value ("DOB 03/04/1961"). Matching is greedy
longest-first over the tokens of one cell, so "Date of Birth" wins over "Date".
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.fields.label_meaning import meaning_of, plausible_label, same_meaning
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
    meaning: bool = False  # matched by meaning, not a lexicon wording (weaker evidence)


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
    return _by_meaning(lex, text, toks, line, _merge_qualifiers(out, text))


def _segments(toks: list[Token], line: Line) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` of the line's cells."""
    out: list[tuple[int, int]] = []
    a = line.first
    for k in range(line.first + 1, line.last + 1):
        if k == line.last or toks[k].seg != toks[a].seg:
            out.append((a, k))
            a = k
    return out


def _by_meaning(
    lex: Lexicon, text: str, toks: list[Token], line: Line, found: list[Label]
) -> list[Label]:
    """``found`` with the labels no lexicon wording fully matched read by meaning.

    A candidate is a cell's opening words up to a ":" ("Sending Physician: Dr. Chen") that no
    single lexicon label covers: either nothing matched, or only part of it did ("Plan Group"
    in "Plan Group Number:", "Date" in "Date Patient Born:") or only a fuzzy wording did
    ("Patient's Name" for "Patient Surname"); when the meaning lookup is sure and disagrees,
    its label replaces the lexicon's. Without a ":", a whole cell in a row of label-like
    cells (a table's header row, a form's box captions) or a whole line in capitals (a section
    header) is a candidate when no lexicon label covers it whole.
    """
    segs = _segments(toks, line)
    bare_row = len(segs) >= 2 and all(
        plausible_label(text[toks[a].start : toks[b - 1].end])
        and not any(toks[k].text.endswith(":") for k in range(a, b))
        for a, b in segs
    )
    out = list(found)
    for a, b in segs:
        inside = [lab for lab in out if a <= lab.first < b]
        colon = next((k for k in range(a, min(b, a + 6)) if toks[k].text[-1] in COLONS), None)
        if colon is not None:
            last = colon if toks[colon].text in COLONS else colon + 1
            inside = [lab for lab in inside if lab.first < last]
            covered = len(inside) == 1 and (inside[0].first, inside[0].last) == (a, last)
            if last <= a or (covered and inside[0].score >= 1.0):
                continue
            end, bare, delim = toks[last - 1].end - (last == colon + 1), False, "colon"
        else:
            cell = text[toks[a].start : toks[b - 1].end]
            covered = len(inside) == 1 and (inside[0].first, inside[0].last) == (a, b)
            if covered or not (bare_row or (len(segs) == 1 and cell.isupper())):
                continue
            last, end, bare, delim = b, toks[b - 1].end, True, "gap"
        start = toks[a].start
        m = meaning_of(lex, text[start:end], bare=bare, header_row=bare and len(out) > 0)
        if m is None or (bare and not (m.entry.key or m.entry.generic or m.entry.header)):
            continue
        if covered and same_meaning(inside[0].entry, m.entry):
            continue  # a fuzzy lexicon match the meaning agrees with: keep the lexicon's
        whole = b == (colon + 1 if colon is not None else b)
        out = [lab for lab in out if lab not in inside]
        out.append(
            Label(
                None,
                m.entry,
                text[start:end],
                start,
                end,
                a,
                last,
                m.score,
                delim,
                whole,
                meaning=True,
            )
        )
    return sorted(out, key=lambda lab: lab.first)


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
        lab.meaning,
    )
