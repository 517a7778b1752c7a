"""One reader for every option group: a label and options laid out with boxes or brackets.

Forms ask many questions as lists of boxes — urgency (Routine/Urgent/STAT), the specialty
("Refer to: ☐ Cardiology ☒ Dermatology ☐ ENT ..." over a row, a column or a grid), sex, visit
type. Whatever the field, the question is the same: which option is marked? Reading the first
option, or any option word, as the answer is the classic failure; an unmarked list states
nothing. So a field gives this module its *vocabulary* (a regex of option words and a function
from a word to the field's value) and gets back the groups on the page and the marked option of
each, decided in this order:

1. a mark in the text — "☒", "[X]", "(x)", "■", "✓", or what fax OCR makes of a ticked box
   ("X", "[XJ]", "&l"); an option beside an empty box ("☐", "[ ]", "O", "(]") never counts;
2. the page image's pixels (:mod:`extractors.checkboxes`): boxes drawn as vector graphics,
   handwritten ticks, circled options, and OCR that garbled every box alike;
3. elimination: every other option shows an empty box and one shows none (OCR dropped it).

Two marked options, or a thin pixel margin, give a low confidence for the reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz, process

from extractors.checkboxes import all_empty, marked_by_pixels
from extractors.fields.clinical_layout import page_lines
from extractors.fields.clinical_rules import load_rules
from models.document import Page
from models.geometry import Box

_MARK_MAX = 5
_ROW_MAX_LETTERS = 6
_DROP = re.compile(r"[\s.,;:'`\"‘’“”]+")
#: Marks a text layer or clean OCR prints as their own token: these split a row into options.
_BOX = re.compile(r"(?<!\w)(?:[☐☒☑■□▢○◯●◉⊠▣✓✔✅]|\[\s*[xX✓✔✗]?\s*\]|\(\s*[xX✓✔]?\s*\))")
#: Marks that are a tick or cross in any rendering, never what OCR makes of an empty box.
_DRAWN = re.compile(r"[Xx✓✔✗✘☒☑]")
_PAREN_OPEN = re.compile(r"\w[^\S\n]*\($")
_YES_NO = re.compile(r"^\s*[:?]\s*(?P<mark>\S{1,4}\s*)?(?P<yn>yes|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    """What a field's options look like.

    Attributes:
        option: regex of option words, with a ``word`` group (see :func:`option_pattern`).
        value: maps an option's words to the field's value, ``None`` when it names none.
        label: regex of the group's labels ("Urgency", "Refer to"), matched up to its colon.
        other: value of a marked option outside the vocabulary ("☒ Wound care"), if any.
        guess: reads a value from words OCR garbled ("OGtaD", "Neurologp"), given the values
            the group's other options have, if it can; an option the image shows marked but
            OCR did not read is mapped through it.
    """

    option: re.Pattern[str]
    value: Callable[[str], str | None]
    label: re.Pattern[str] | None = None
    other: str | None = None
    guess: Callable[[str, set[str]], str | None] | None = None


@dataclass(frozen=True)
class Choice:
    """One option of a group: its value, its words in the page text and the marks beside it."""

    value: str | None
    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True)
class Group:
    """Options read as one question, the span they cover and whether a label introduced them."""

    choices: list[Choice]
    start: int
    end: int
    labelled: bool


@dataclass(frozen=True)
class Marked:
    """The answer of a group: the marked choice, how sure, and how it was read."""

    choice: Choice
    confidence: float
    how: str  # checkbox | checkbox_pixels | checkbox_inferred | label | yes_no


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    rules = load_rules("checkboxes.yaml")
    return {
        "checked": re.compile("[" + re.escape(rules["checked_chars"]) + "]"),
        "clear": set(rules["clear_marks"]),
        "unchecked": set(rules["unchecked_marks"]),
        "glued": rules["glued_mark"],
    }


def fuzzy_option(word: str, options: dict[str, str], cutoff: float = 70.0) -> str | None:
    """The value of the option ``word`` most resembles once a glued box mark is dropped.

    ``options`` maps option words (lower case) to values; "OGeurologp" is "neurology" after
    its first letters, a box OCR glued on, are tried away.
    """
    letters = re.sub(r"[^a-z]", "", word.lower())
    best: tuple[float, str] | None = None
    for cut in range(3):
        key = letters[cut:]
        if len(key) < 3:
            break
        hit = process.extractOne(key, list(options), scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit and (best is None or hit[1] > best[0]):
            best = (hit[1], options[hit[0]])
    return best[1] if best else None


def option_pattern(alternation: str) -> re.Pattern[str]:
    """Regex of option words, possibly glued to a mark in front ("Djroutine"), not in a word."""
    return re.compile(
        rf"(?:(?<=[^\w])|^)(?P<glue>{_rules()['glued']})?(?P<word>{alternation})"
        r"(?-i:(?![a-z]))",
        re.IGNORECASE | re.MULTILINE,
    )


def mark_state(mark: str) -> str | None:
    """``"checked"``, ``"unchecked"`` or ``None`` (no mark, or unreadable) for box text."""
    mark = _DROP.sub("", mark)
    if not mark:
        return None
    rules = _rules()
    if mark in rules["clear"] or rules["checked"].search(mark):
        return "checked"
    return "unchecked" if mark in rules["unchecked"] else None


def is_clear(mark: str) -> bool:
    """True for a drawn tick ("☒", "[X]") rather than what OCR may have made of a box."""
    mark = _DROP.sub("", mark)
    return any(mark.endswith(c) for c in _rules()["clear"])


def _by_boxes(text: str, start: int, end: int, vocab: Vocabulary) -> list[Choice]:
    """Options of a line that prints its boxes as tokens: the text between two boxes."""
    boxes = list(_BOX.finditer(text, start, end))
    # "Urgent [X]  Routine [ ]": words before their boxes when the row ends on a box
    after = bool(text[start : boxes[0].start()].strip()) and not text[boxes[-1].end() : end].strip()
    out: list[Choice] = []
    for i, box in enumerate(boxes):
        if after:
            seg_start, stop = (boxes[i - 1].end() if i else start), box.start()
        else:
            seg_start, stop = box.end(), boxes[i + 1].start() if i + 1 < len(boxes) else end
        seg = text[seg_start:stop]
        s = seg_start + len(seg) - len(seg.lstrip())
        e = seg_start + len(seg.rstrip(" \t:_-"))
        if e <= s:
            continue
        mark = box.group(0)
        hits = [m for m in vocab.option.finditer(text, s, e) if vocab.value(m.group("word"))]
        if not after and len(hits) > 1:  # "☐ Cardiology  X Dermatology": a mark in place of a box
            out.append(Choice(vocab.value(hits[0].group("word")), *hits[0].span("word"), mark, ""))
            for prev, hit in pairwise(hits):
                between = _DROP.sub("", text[prev.end() : hit.start("word")])[-_MARK_MAX:]
                out.append(Choice(vocab.value(hit.group("word")), *hit.span("word"), between, ""))
            continue
        hit = hits[0] if hits else None
        value = vocab.value(hit.group("word")) if hit else None
        if value is not None and hit is not None:
            s, e = hit.start("word"), hit.end("word")
        out.append(Choice(value, s, e, "" if after else mark, mark if after else ""))
    return out


def _by_words(text: str, start: int, zone: int, end: int, vocab: Vocabulary) -> list[Choice]:
    """Option words of a line with the mark text in front of and after each."""
    found = [m for m in vocab.option.finditer(text, start, end) if m.start() >= zone]
    found = [m for m in found if vocab.value(m.group("word")) is not None]
    out: list[Choice] = []
    for i, m in enumerate(found):
        prev_end = found[i - 1].end() if i else zone
        nxt = found[i + 1].start() if i + 1 < len(found) else end
        before = _DROP.sub("", text[prev_end : m.start("word")])[-_MARK_MAX:]
        after = _after_mark(text[m.end() : nxt])
        if _PAREN_OPEN.search(text, prev_end, m.start("word")) and after.startswith(")"):
            before, after = "", ""  # "Urgent (within 1 week)": an aside, not an empty box
        out.append(Choice(vocab.value(m.group("word")), m.start("word"), m.end(), before, after))
    return out


def _after_mark(rest: str) -> str:
    """The mark right after an option ("Urgent [X]"): only when nothing longer follows."""
    rest = _DROP.sub("", rest)
    return rest if len(rest) <= _MARK_MAX else ""


def is_box(mark: str) -> bool:
    """True for a mark printed as a box or bracket token ("☐", "[X]", "( )"), not OCR noise."""
    return bool(_BOX.fullmatch(mark.strip()))


def row_choices(text: str, start: int, end: int, vocab: Vocabulary) -> tuple[list[Choice], bool]:
    """The options of one line and whether a group label starts it."""
    label = vocab.label.search(text, start, end) if vocab.label else None
    zone = label.end() if label else start
    if len(_BOX.findall(text, zone, end)) >= 2:
        boxed = _by_boxes(text, zone, end, vocab)
        if sum(c.value is not None for c in boxed) >= 1:
            return boxed, label is not None
    return _by_words(text, start, zone, end, vocab), label is not None


def is_row(text: str, start: int, end: int, choices: list[Choice], vocab: Vocabulary) -> bool:
    """True for a form row: options, marks and a label, little else (not prose)."""
    rest = text[start:end]
    label = vocab.label.search(rest) if vocab.label else None
    if label:
        rest = rest[: label.start()] + rest[label.end() :]
    boxed = len(_BOX.findall(rest)) >= 2 and all(c.before for c in choices)
    for c in choices:
        rest = rest.replace(text[c.start : c.end], " ", 1)
    if boxed:  # every option sits after its own box: unknown options are options too
        return True
    if choices and vocab.guess is not None:  # "Onhopedics": an option OCR garbled
        rest = " ".join(w for w in rest.split() if len(w) < 4 or vocab.guess(w, set()) is None)
    letters = sum(ch.isalpha() for ch in re.sub(r"\b\w{1,3}\b", " ", rest))
    return letters <= _ROW_MAX_LETTERS


def find_groups(text: str, vocab: Vocabulary) -> list[Group]:
    """Option groups of a page: runs of consecutive row lines, a label line may open one."""
    groups: list[Group] = []
    current: list[Choice] = []
    span: list[int] = []
    labelled = False
    for line in page_lines(text):
        choices, has_label = row_choices(text, line.start, line.end, vocab)
        marked = any(
            mark_state(c.before) or mark_state(c.after) or _YES_NO.match(text[c.end : line.end])
            for c in choices
        )
        row = (
            bool(choices)
            and (len(choices) > 1 or has_label or marked or bool(current) or labelled)
            and is_row(text, line.start, line.end, choices, vocab)
        )
        tail = text[line.start : line.end].split(":")[-1].strip()
        bare_label = has_label and not choices and not tail
        if row or bare_label:
            if has_label and (current or labelled):
                groups.append(Group(current, span[0], span[1], labelled))
                current, span, labelled = [], [], False
            current.extend(choices)
            span = [span[0] if span else line.start, line.end]
            labelled = labelled or has_label
            continue
        if current:
            groups.append(Group(current, span[0], span[1], labelled))
        current, span, labelled = [], [], False
    if current:
        groups.append(Group(current, span[0], span[1], labelled))
    return [g for g in groups if g.choices]


def yes_no(text: str, start: int, end: int) -> bool | None:
    """A yes/no answer right after a question word ("Urgent? ☒ Yes ☐ No"): True, False or None.

    Yes counts only when its own box is not empty; when both answers are printed, the one
    with the ticked box answers.
    """
    found = _YES_NO.match(text[start:end])
    if not found:
        return None
    marks = re.findall(r"(\S{1,4})?\s*\b(yes|no)\b", text[start:end], re.IGNORECASE)
    states = {yn.lower(): mark_state(mark or "") for mark, yn in marks}
    if states.get("yes") == "checked":
        return True
    if states.get("no") == "checked" or states.get("yes") == "unchecked":
        return False
    return found.group("yn").lower() == "yes"


def decide(
    group: Group, text: str, page: Page | None, vocab: Vocabulary | None = None
) -> list[Marked]:
    """The marked option(s) of a group; empty when the group states nothing.

    With ``vocab``, an option the image shows marked that OCR garbled beyond the option
    pattern is read through ``vocab.guess`` at a low confidence (see :func:`_unread`).
    """
    choices = group.choices
    if len(choices) == 1:
        answer = yes_no(text, choices[0].end, group.end)
        if answer is not None:
            return [Marked(choices[0], 0.8, "yes_no")] if answer else []
    after_style = not choices[0].before and mark_state(choices[-1].after) is not None
    marks = [c.after if after_style else c.before for c in choices]
    states = [mark_state(m) for m in marks]
    checked = [i for i, st in enumerate(states) if st == "checked"]
    pixels = _pixels(choices, page) if len(choices) > 1 else None
    if pixels is None and len(choices) > 1 and _all_empty(choices, page):
        # every option's box is empty on the image: what OCR made of a box ("MM", "&") or
        # elimination guessed is not a tick; an X or tick written beside the box still is
        drawn = [i for i in checked if _DRAWN.search(marks[i])]
        if len(drawn) == 1:
            i = drawn[0]
            return [Marked(choices[i], 0.95 if is_clear(marks[i]) else 0.75, "checkbox")]
        return _unread(group, text, page, vocab) if not drawn else []
    if checked:
        if len(checked) > 1 and pixels is not None and pixels[0] in checked:
            return [Marked(choices[pixels[0]], min(0.8, pixels[1]), "checkbox_pixels")]
        if pixels is not None and pixels[1] >= 0.9 and pixels[0] not in checked:
            if not any(is_clear(marks[i]) for i in checked):  # OCR guessed ticks the image lacks
                return [Marked(choices[pixels[0]], 0.8, "checkbox_pixels")]
        base = 0.95 if len(checked) == 1 else 0.5
        seen = pixels is not None and pixels[1] >= 0.9 and len(checked) == 1
        return [  # an OCR-ish tick the image confirms is as good as a clear one
            Marked(choices[i], base if is_clear(marks[i]) or seen else base - 0.1, "checkbox")
            for i in checked
        ]
    if pixels is not None:
        return [Marked(choices[pixels[0]], pixels[1] * (0.95 / 0.9), "checkbox_pixels")]
    same = len({c.value for c in choices}) == 1  # "Priority: Urgent (within 1 week)"
    if (len(choices) == 1 or same) and states[0] is None and group.labelled:
        return [Marked(choices[0], 0.9, "label")]
    unknown = [i for i, st in enumerate(states) if st is None]
    if len(choices) > 1 and len(unknown) == 1 and states.count("unchecked") >= 1:
        return [Marked(choices[unknown[0]], 0.7, "checkbox_inferred")]
    return []  # several options and no readable marks: nothing tells which was ticked


#: Confidence of an option read from words OCR garbled: the reviewer confirms it.
UNREAD_CONFIDENCE = 0.6


def _unread(group: Group, text: str, page: Page | None, vocab: Vocabulary | None) -> list[Marked]:
    """The marked option among the words of a group that OCR did not read as options.

    Every read option's box is empty; if the image shows one of the other words of the group
    (a circled "OGtaD", a ticked "Neurologp") clearly marked beside the read ones, it is the
    answer, valued by ``vocab.guess`` — a low-confidence answer beats a silent "nothing".
    """
    if page is None or vocab is None or vocab.guess is None:
        return []
    taken = [(c.start, c.end) for c in group.choices]
    label = vocab.label.search(text, group.start, group.end) if vocab.label else None
    first = max(group.start, label.end() if label else group.start)
    extra: list[tuple[int, int]] = []
    for s, e in page.word_spans():
        if s < first or e > group.end or any(a < e and s < b for a, b in taken):
            continue
        if sum(ch.isalpha() for ch in text[s:e]) >= 3 and not text[s:e].rstrip().endswith(":"):
            extra.append((s, e))
    if not extra:
        return []
    spans = taken + extra
    boxes = _boxes([Choice(None, s, e, "", "") for s, e in spans], page)
    if boxes is None:
        return []
    pick = marked_by_pixels(page, boxes)
    index = (
        pick.index if pick is not None and pick.confidence >= 0.9 else _circled(boxes, len(taken))
    )
    if index is None or index < len(taken):
        return []
    s, e = spans[index]
    value = vocab.guess(text[s:e], {c.value for c in group.choices if c.value})
    if value is None:
        return []
    return [Marked(Choice(value, s, e, "", ""), UNREAD_CONFIDENCE, "checkbox_pixels")]


def _circled(boxes: list[Box], read: int) -> int | None:
    """The one unread word whose box is much taller than the read options': OCR took the
    circle drawn round it into the word."""
    heights = sorted(b.y1 - b.y0 for b in boxes[:read])
    if not heights:
        return None
    tall = [
        i
        for i in range(read, len(boxes))
        if boxes[i].y1 - boxes[i].y0 >= 1.6 * heights[len(heights) // 2]
    ]
    return tall[0] if len(tall) == 1 else None


def _boxes(choices: list[Choice], page: Page | None) -> list[Box] | None:
    """The page box of each choice's first word; ``None`` without an image or a word.

    OCR often glues a box or a tick to its option ("“(Urology"): the box then starts where the
    option's letters do, estimated from the characters, so the mark is looked for before it.
    """
    if page is None or not page.image_path:
        return None
    spans = page.word_spans()
    boxes = []
    for c in choices:
        hit = next(
            (
                (w, s, e)
                for w, (s, e) in zip(page.words, spans, strict=True)
                if s < c.end and e > c.start
            ),
            None,
        )
        if hit is None:
            return None
        word, s, e = hit
        box = word.box
        if s < c.start < e:
            cut = box.x0 + (box.x1 - box.x0) * (c.start - s) / (e - s)
            box = box.model_copy(update={"x0": min(cut, box.x1)})
        boxes.append(box)
    return boxes


def _all_empty(choices: list[Choice], page: Page | None) -> bool:
    boxes = _boxes(choices, page)
    return boxes is not None and page is not None and all_empty(page, boxes)


def _pixels(choices: list[Choice], page: Page | None) -> tuple[int, float] | None:
    """Index and confidence of the choice the page image shows marked, if any."""
    boxes = _boxes(choices, page)
    if boxes is None or page is None:
        return None
    pick = marked_by_pixels(page, boxes)
    return (pick.index, pick.confidence) if pick is not None else None
