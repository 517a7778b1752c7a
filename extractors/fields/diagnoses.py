"""referral.diagnoses: ICD-10-CM codes, validated, with OCR repairs where the pattern is known.

A code-shaped token becomes a candidate only if ``simple_icd_10_cm`` knows it (after adding
the dot). Fax OCR confuses I/1, O/0, S/5 and B/8; a repair is tried only on those characters
and kept only if the repaired code is valid — then the candidate carries
``notes=("ocr_repaired",)`` and a lower confidence. Where the code sits matters: inside a
Diagnosis field (or on a line saying ICD/Dx) codes are trusted; elsewhere only dotted,
letter-first codes count, and never inside a member ID, phone, NPI or zip value.

The field is list-valued: each code is its own candidate (its own box), and the extract stage
takes the union in page order.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.clinical_labels import labelled
from extractors.fields.clinical_layout import is_boundary_line, page_lines
from extractors.fields.clinical_rules import compile_phrases, load_rules
from models.vocab import FieldName

EXTRACTOR = "fields.diagnoses@1"
KEY = str(FieldName.REFERRAL_DIAGNOSES)
_MAX_VARIANTS = 64

CODE_RE = re.compile(
    r"(?<![\w.\-$#/:])"
    r"(?P<head>[A-Za-z01258£€|][0-9OoIlSBZ|][0-9A-Za-z])"
    r"(?:(?P<dot>[.,]{1,2})(?P<tail>[0-9A-Za-z]{1,4})|(?P<bare>[0-9A-Za-z]{1,4}))?"
    r"(?![\w\-]|[.,]\w|/\d)"
)
_PHONE_RE = re.compile(r"\(?\b\d{3}\)?[\s.\-]*\d{3}[\s.\-]\d{4}\b")
_LINE_START_CODE = re.compile(
    r"\s*[A-Za-z01258£€|][0-9OoIlSBZ|][0-9A-Za-z](?:[.,][0-9A-Za-z]{1,4})?\b"
)
_MAX_LIST_LINES = 8


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, list[str]], dict[str, str], re.Pattern[str], re.Pattern[str], int]:
    rules = load_rules("diagnoses.yaml")
    excluded = compile_phrases(rules["excluded_labels"]).pattern
    return (
        {str(k): [str(x) for x in v] for k, v in rules["first_char"].items()},
        {str(k): str(v) for k, v in rules["numeric_char"].items()},
        re.compile(rf"(?:{excluded})\s*(?:#|no\.?|number)?\s*[:#]", re.IGNORECASE),
        re.compile("|".join(f"(?:{p})" for p in rules["context_patterns"]), re.IGNORECASE),
        int(rules["context_reach"]),
    )


@lru_cache(maxsize=4096)
def validate_code(raw: str) -> tuple[str, bool] | None:
    """The valid ICD-10-CM code ``raw`` stands for, and whether it needed an OCR repair.

    Args:
        raw: a code-shaped token as printed ("I48.91", "I4891", "148.91", "ROO.2").

    Returns:
        ``(code with dot, repaired)`` or ``None`` when neither the token nor any repair of the
        known confusions is a valid code (chapters and blocks do not count).
    """
    import simple_icd_10_cm as icd

    first_map, numeric_map, _, _, _ = _rules()
    body = re.sub(r"[.,]", "", raw)
    if len(body) < 3:
        return None
    options: list[list[str]] = []
    for pos, char in enumerate(body):
        opts = [char.upper()]
        if pos == 0:
            # a printed capital is kept first; OCR's lowercase "l" is more often an I than an L
            repl = first_map.get(char, [])
            opts = [char, *repl] if char.isupper() else repl + ([char.upper()] * char.isalpha())
        elif pos == 1 and not char.isdigit():
            opts = [numeric_map[char]] if char in numeric_map else []
        elif pos > 1 and char in numeric_map:
            opts.append(numeric_map[char])
        if not opts or not (opts[0].isalnum()):
            return None
        options.append(opts)
    for variant in itertools.islice(itertools.product(*options), _MAX_VARIANTS):
        code = "".join(variant)
        if icd.is_valid_item(code) and (
            icd.is_category_or_subcategory(code) or not icd.is_chapter_or_block(code)
        ):  # "B20" is a block and a category
            return icd.add_dot(code), code != body.upper()
    return None


class DiagnosesComponent:
    """Marks each valid ICD-10-CM code on the page as a ``referral.diagnoses`` candidate."""

    def __init__(
        self, field_confidence: float = 0.95, context_confidence: float = 0.85,
        loose_confidence: float = 0.7, repair_penalty: float = 0.2,
    ) -> None:
        """Confidences for a code in a Diagnosis field, on an ICD/Dx line, and elsewhere."""
        self.field_confidence = field_confidence
        self.context_confidence = context_confidence
        self.loose_confidence = loose_confidence
        self.repair_penalty = repair_penalty

    def __call__(self, doc: Doc) -> Doc:
        """Add one candidate per distinct code (its most trusted occurrence)."""
        text = doc.text
        lines = page_lines(text)
        regions = self._regions(text, doc, lines)
        _, _, excluded_re, context_re, reach = _rules()
        context = [(m.start(), min(m.end() + reach, _line_end(text, m.end())))
                   for m in context_re.finditer(text)]
        phones = [m.span() for m in _PHONE_RE.finditer(text)]
        best: dict[str, tuple[float, int, int, bool]] = {}
        for match in CODE_RE.finditer(text):
            raw = match.group(0)
            pos = match.start()
            if not any(c.isdigit() for c in raw[1:]):
                continue  # words like "ISO", "SOB" read as codes only by repairing every char
            if any(s <= pos < e for s, e in phones):
                continue
            line = next(ln for ln in lines if ln.start <= pos <= ln.end)
            if self._in_excluded_value(text, line.start, pos, excluded_re):
                continue
            in_field = any(s <= pos < e for s, e in regions)
            on_context_line = any(s <= pos < e for s, e in context)
            dot = match.group("dot")
            letter_first = raw[0].isalpha()
            if not (in_field or on_context_line) and not (dot == "." and letter_first):
                continue
            found = validate_code(raw)
            if found is None:
                continue
            code, repaired = found
            repaired = repaired or (dot is not None and dot != ".")
            if repaired and not (in_field or on_context_line) and not raw[0].isalpha():
                continue
            conf = (self.field_confidence if in_field else
                    self.context_confidence if on_context_line else self.loose_confidence)
            if repaired:
                conf -= self.repair_penalty
            if code not in best or conf > best[code][0]:
                best[code] = (conf, match.start(), match.end(), repaired)
        for code, (conf, start, end, repaired) in sorted(best.items(), key=lambda kv: kv[1][1]):
            notes = ("ocr_repaired",) if repaired else ()
            add_candidate(doc, start, end, FieldName.REFERRAL_DIAGNOSES, code, conf, EXTRACTOR,
                          notes)
        return doc

    @staticmethod
    def _regions(text: str, doc: Doc, lines: list) -> list[tuple[int, int]]:
        """Character ranges of Diagnosis fields: the label's value, then following lines
        that start with a code (a list of codes under the label)."""
        out: list[tuple[int, int]] = []
        for item in labelled(text, KEY, page_of(doc)):
            idx = next((k for k, ln in enumerate(lines) if ln.start <= item.end <= ln.end), None)
            end = item.end
            if idx is not None:
                end = max(end, lines[idx].end)
                for line in lines[idx + 1 : idx + 1 + _MAX_LIST_LINES]:
                    starts_with_code = _LINE_START_CODE.match(text, line.start, line.end)
                    has_code = CODE_RE.search(text, line.start, line.end)
                    if not starts_with_code and (is_boundary_line(text, line) or not has_code):
                        break
                    end = line.end
            out.append((item.label_start, end))
        return out

    @staticmethod
    def _in_excluded_value(text: str, line_start: int, pos: int, excluded: re.Pattern[str]) -> bool:
        """True when the nearest label before ``pos`` on its line is a non-diagnosis label."""
        before = text[line_start:pos]
        last_label = None
        for m in re.finditer(r"[A-Za-z][\w .#/-]{0,30}?\s*[:#]", before):
            last_label = m
        return bool(last_label and excluded.fullmatch(last_label.group(0).strip()))


@Language.factory(
    "intake_diagnoses",
    default_config={
        "field_confidence": 0.95,
        "context_confidence": 0.85,
        "loose_confidence": 0.7,
        "repair_penalty": 0.2,
    },
    assigns=["doc.spans"],
)
def make_diagnoses(
    nlp: Language, name: str, field_confidence: float, context_confidence: float,
    loose_confidence: float, repair_penalty: float,
) -> DiagnosesComponent:
    """spaCy factory for :class:`DiagnosesComponent`."""
    return DiagnosesComponent(field_confidence, context_confidence, loose_confidence,
                              repair_penalty)


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def collect_codes(values: list[object]) -> list[str]:
    """Distinct codes in order of first appearance from candidate values (str or list)."""
    out: list[str] = []
    for value in values:
        for code in value if isinstance(value, list) else [value]:
            if isinstance(code, str) and code not in out:
                out.append(code)
    return out
