"""Person names compared the way a referral clerk would: OCR slips, nicknames, swapped order.

A fax read by OCR turns "Catherine" into "Cathenne", a letter says "Bill" where the fax form
said "William", and forms disagree on "Last, First" versus "First Last". Names are reduced to
(first, last) tokens, first names to a canonical form through a nickname table, and compared
with rapidfuzz both ways round (swapped first/last).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

#: Common English nicknames → canonical given name (both directions are looked up).
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "william": ("bill", "billy", "will", "willie", "liam"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "richard": ("rick", "ricky", "dick", "rich"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny", "jon"),
    "joseph": ("joe", "joey"),
    "michael": ("mike", "mikey", "mick"),
    "thomas": ("tom", "tommy"),
    "charles": ("charlie", "chuck", "chas"),
    "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "betsy"),
    "katherine": ("kate", "katie", "kathy", "kay", "kitty", "catherine", "kathryn", "cathy"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie", "greta"),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "patrick": ("pat", "paddy"),
    "jennifer": ("jen", "jenny"),
    "susan": ("sue", "susie", "suzanne"),
    "deborah": ("deb", "debbie", "debra"),
    "rebecca": ("becky", "becca"),
    "alexander": ("alex", "al", "sandy", "xander"),
    "alexandra": ("alex", "sandra", "lexi"),
    "anthony": ("tony",),
    "andrew": ("andy", "drew"),
    "benjamin": ("ben", "benny"),
    "nicholas": ("nick", "nicky"),
    "matthew": ("matt",),
    "samuel": ("sam", "sammy"),
    "samantha": ("sam", "sammy"),
    "steven": ("steve", "stephen"),
    "timothy": ("tim", "timmy"),
    "gregory": ("greg",),
    "jonathan": ("jon", "johnny"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry",),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
    "raymond": ("ray",),
    "gerald": ("jerry", "gerry"),
    "peter": ("pete",),
    "frederick": ("fred", "freddie"),
    "henry": ("hank", "harry"),
    "harold": ("harry", "hal"),
    "walter": ("walt",),
    "victoria": ("vicky", "tori"),
    "christine": ("chris", "tina", "chrissy"),
    "dorothy": ("dot", "dottie"),
    "barbara": ("barb", "babs"),
    "virginia": ("ginny",),
    "theodore": ("ted", "teddy", "theo"),
    "jacqueline": ("jackie",),
    "pamela": ("pam",),
    "cynthia": ("cindy",),
    "abigail": ("abby",),
    "kimberly": ("kim",),
    "stephanie": ("steph",),
    "judith": ("judy",),
    "carolyn": ("carol",),
    "joshua": ("josh",),
    "zachary": ("zach",),
    "douglas": ("doug",),
    "jeffrey": ("jeff",),
    "leonard": ("leo", "len", "lenny"),
    "eugene": ("gene",),
    "francis": ("frank", "fran"),
    "isabella": ("bella", "izzy"),
    "amanda": ("mandy",),
    "melissa": ("missy", "mel"),
    "olivia": ("liv", "livvy"),
    "gabriel": ("gabe",),
    "vincent": ("vince", "vinny"),
}
_TO_CANON: dict[str, set[str]] = {}
for _canon, _nicks in _NICKNAMES.items():
    for _name in (_canon, *_nicks):
        _TO_CANON.setdefault(_name, set()).add(_canon)

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "md", "mr", "mrs", "ms", "miss", "dr"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def split_name(name: str) -> tuple[str, str]:
    """``(first, last)`` of a free-text name: "Doe, Jane Q." and "Jane Q. Doe" alike.

    Middle names and initials, titles and suffixes are dropped: OCR and forms disagree on
    them far more often than on the first and last name.
    """
    raw = _fold(name or "")
    comma = "," in raw
    if comma:
        last_part, _, first_part = raw.partition(",")
        raw = f"{first_part} {last_part}"
    tokens = [t for t in re.split(r"[^a-z0-9'-]+", raw) if t and t not in _SUFFIXES]
    tokens = [t.strip("'-") for t in tokens if len(t.strip("'-")) > 1] or tokens
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return "", tokens[0]
    return tokens[0], tokens[-1]


def canonical_first(first: str) -> set[str]:
    """The canonical given names ``first`` may stand for (itself when it is no nickname)."""
    return _TO_CANON.get(first, set()) | {first}


#: Characters OCR confuses, folded to one form before comparing ("rn" and "m", "1" and "l").
_OCR_FOLD = (
    ("rn", "m"),
    ("cl", "d"),
    ("vv", "w"),
    ("1", "l"),
    ("|", "l"),
    ("i", "l"),
    ("0", "o"),
    ("5", "s"),
    ("8", "b"),
    ("h", "b"),
    ("e", "c"),
)


def ocr_fold(text: str) -> str:
    """``text`` with OCR-confusable characters folded, so a scan slip compares equal."""
    for a, b in _OCR_FOLD:
        text = text.replace(a, b)
    return text


def _sim(a: str, b: str) -> float:
    """Similarity 0–1 of two name tokens; equal once OCR confusions are folded counts 0.99."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if ocr_fold(a) == ocr_fold(b):
        return 0.99
    return fuzz.ratio(a, b) / 100.0


def first_similarity(a: str, b: str) -> tuple[float, bool]:
    """Similarity of two given names in 0–1 and whether it came from the nickname table."""
    if not a or not b:
        return 0.5, False  # one side has no first name: neither evidence for nor against
    direct = _sim(a, b)
    if direct >= 0.99:
        return direct, False
    if canonical_first(a) & canonical_first(b):
        return 0.95, True
    return direct, False


def name_similarity(a: str, b: str) -> tuple[float, list[str]]:
    """How alike two patient names are (0–1), with evidence codes.

    The score is the mean of the last-name and first-name similarity, taken in the better of
    the two orders (as written, or first/last swapped).
    """
    fa, la = split_name(a)
    fb, lb = split_name(b)
    if not la or not lb:
        return 0.0, []
    best, evidence, parts = 0.0, [], 0.0
    for first_b, last_b, swapped in ((fb, lb, False), (lb, fb, True)):
        if swapped and not fb:
            continue
        first, nick = first_similarity(fa, first_b)
        last = _sim(la, last_b)
        score = (last + first) / 2
        if swapped:
            score -= 0.02  # prefer the order as written when both fit
        if score > best:
            best, parts = score, min(last, first)
            evidence = ["name_swapped"] if swapped else []
            if nick:
                evidence.append("nickname")
    # the label goes by the weaker part: "Dickerson" vs "Dickersoe" is another name
    label = "name_exact" if parts >= 0.999 else "name_ocr_slip" if parts >= 0.95 else "name_fuzzy"
    return max(0.0, min(1.0, best)), [label, *evidence]
