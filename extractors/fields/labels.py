"""The label lexicon: which printed wordings name which field, and fuzzy matching against it.

Referral forms from different vendors name the same field many ways ("DOB", "D.O.B.",
"Birthdate") and fax OCR mangles them ("D0B", "Dat e of Birth", "Phone#"). Keeping the wordings
in ``rules/labels.yaml`` and matching them leniently here lets a new vendor's form be handled by
adding a line of data rather than a regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

LEXICON_PATH = Path(__file__).parent / "rules" / "labels.yaml"

# OCR confusions folded on both sides of a comparison, so "D0B" meets "DOB" and "Narne" "Name".
_FOLDS = (
    ("rn", "m"),
    ("vv", "w"),
    ("0", "o"),
    ("1", "l"),
    ("i", "l"),
    ("|", "l"),
    ("5", "s"),
    ("8", "b"),
)
_JUNK = " |!'‘’\"`.,-_()[]{}"  # box borders and specks OCR reads around a label
_NON_ALNUM = re.compile(r"[^0-9a-z|#]+")
_MEMO_SIZE = 50_000  # distinct label texts remembered before the memo starts over


def normalise(text: str) -> str:
    """Fold a label wording to its comparison form.

    Lower case, no spaces or punctuation, OCR look-alikes folded: "D.O.B.:", "D0B" and "dob"
    all become the same string, as do "Dat e of Birth" and "Date of Birth".
    """
    out = _NON_ALNUM.sub("", text.lower())
    for src, dst in _FOLDS:
        out = out.replace(src, dst)
    return out


@dataclass(frozen=True)
class Entry:
    """What one normalised wording means: a field key, a generic label, a section, or several.

    Attributes:
        wording: the wording as written in the lexicon.
        key: field key for a specific label ("patient.dob"), else ``None``.
        generic: name of a generic (section-scoped) label ("phone"), else ``None``.
        section: section the wording names as a header, or the section its label opens.
        header: True when the wording is a section header wording.
    """

    wording: str
    key: str | None = None
    generic: str | None = None
    section: str | None = None
    header: bool = False


@dataclass(frozen=True)
class Match:
    """A lexicon entry found for some text, with the match quality (1.0 = exact)."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class Lexicon:
    """The loaded label lexicon (see ``rules/labels.yaml`` for the meaning of each part)."""

    entries: dict[str, Entry]
    scopes: dict[str, dict[str, tuple[str | None, float]]]
    defaults: dict[str, tuple[str | None, float]]
    inline: frozenset[str]
    max_words: int
    long_keys: tuple[str, ...] = ()
    opener_scopes: dict[str, frozenset[str]] | None = None
    meanings: tuple[tuple[str, Entry], ...] = ()
    _memo: dict[str, Match | None] = field(default_factory=dict, compare=False, repr=False)

    def opener_scopes_generic(self, section: str, generic: str | None) -> bool:
        """Whether a section opened by a label (not a header) scopes this generic label."""
        if generic is None or self.opener_scopes is None or section not in self.opener_scopes:
            return True
        return generic in self.opener_scopes[section]

    def resolve(self, entry: Entry, section: str | None) -> tuple[str | None, float]:
        """Field key of ``entry`` inside ``section`` and a score factor for how sure that is.

        A specific label keeps its key. A generic label takes the key its section gives it; with
        no section (or a section that does not scope it) it falls back to the lexicon default,
        at a lower score, because "Phone:" alone could be anyone's phone.
        """
        if entry.key is not None:
            return entry.key, 1.0
        if entry.generic is None:
            return None, 0.0
        scopes = self.scopes.get(entry.generic, {})
        if section is not None and section in scopes:
            return scopes[section]
        return self.defaults.get(entry.generic, (None, 0.0))

    def lookup(self, text: str) -> Match | None:
        """Best lexicon entry for ``text`` (memoised: every line of every page asks)."""
        try:
            return self._memo[text]
        except KeyError:
            pass
        if len(self._memo) > _MEMO_SIZE:
            self._memo.clear()
        found = self._memo[text] = self._lookup(text)
        return found

    def _lookup(self, text: str) -> Match | None:
        """Best lexicon entry for ``text``, exact first, then within a small edit distance.

        Short wordings (≤ 4 folded characters) must match exactly: one edit turns "DOB" into
        "DOS" or "Fax" into "Fix". Longer ones allow one edit, and two from 10 characters up.
        """
        norm = normalise(text.strip(_JUNK))
        if not norm:
            return None
        entry = self.entries.get(norm)
        if entry is not None:
            return Match(entry, 1.0)
        if "/" in text:  # "Acct/MRN", "DOB/Age": the first part that is a label
            for part in text.split("/"):
                found = self._lookup(part)
                if found is not None and found.entry.key is not None:
                    return Match(found.entry, round(found.score * 0.95, 3))
        if len(norm) < 5:
            return None
        found = process.extractOne(
            norm, self.long_keys, scorer=Levenshtein.distance, score_cutoff=2
        )
        if found is None:
            return None
        key, dist, _ = found
        allowed = 1 if min(len(key), len(norm)) < 10 else 2
        if dist > allowed or len(key) < 5:
            return None
        return Match(self.entries[key], round(1.0 - dist / max(len(key), len(norm)), 3))


def _add(entries: dict[str, Entry], wording: str, entry: Entry) -> None:
    norm = normalise(wording)
    old = entries.get(norm)
    if old is None:
        entries[norm] = entry
        return
    if (old.key, old.generic, old.header) == (entry.key, entry.generic, entry.header):
        return  # "MI" and "M.I.": the same wording printed two ways
    if old.header and not entry.header and old.key is None and old.generic is None:
        entries[norm] = Entry(wording, entry.key, entry.generic, old.section, header=True)
        return
    if entry.header and not old.header:
        entries[norm] = Entry(old.wording, old.key, old.generic, entry.section, header=True)
        return
    raise ValueError(f"label wording listed under two keys in the lexicon: {wording!r}")


def _meaning_entry(target: str, text: str, opens: dict[str, str], generic: dict) -> Entry:
    """The entry a field description stands for: ``section:<name>``, a generic, or a key."""
    if target.startswith("section:"):
        return Entry(text, section=target.split(":", 1)[1], header=True)
    if target in generic:
        return Entry(text, generic=target)
    return Entry(text, key=target, section=opens.get(target))


@lru_cache(maxsize=4)
def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load and index a label lexicon file (default: ``rules/labels.yaml``), cached.

    Raises:
        ValueError: a wording is listed under two keys, which would make matching ambiguous.
    """
    data = yaml.safe_load((path or LEXICON_PATH).read_text(encoding="utf-8"))
    opens: dict[str, str] = data.get("opens", {})
    entries: dict[str, Entry] = {}
    max_words = 1
    for section, wordings in data.get("sections", {}).items():
        for w in wordings:
            _add(entries, w, Entry(w, section=section, header=True))
            max_words = max(max_words, len(w.split()))
    for w in [*data.get("titles", []), *data.get("not_fields", [])]:
        _add(entries, w, Entry(w))
    for key, wordings in data.get("labels", {}).items():
        for w in wordings:
            _add(entries, w, Entry(w, key=key, section=opens.get(key)))
            max_words = max(max_words, len(w.split()))
    scopes: dict[str, dict[str, tuple[str | None, float]]] = {}
    defaults: dict[str, tuple[str | None, float]] = {}
    for name, spec in data.get("generic", {}).items():
        for w in spec["wordings"]:
            _add(entries, w, Entry(w, generic=name))
            max_words = max(max_words, len(w.split()))
        scopes[name] = {
            sec: (tuple(v) if isinstance(v, list) else (v, 1.0))
            for sec, v in spec.get("scopes", {}).items()
        }
        key, factor = spec.get("default", [None, 0.0])
        defaults[name] = (key, float(factor))
    meanings = tuple(
        (text, _meaning_entry(target, text, opens, data.get("generic", {})))
        for target, texts in data.get("meanings", {}).items()
        for text in texts
    )
    return Lexicon(
        entries=entries,
        meanings=meanings,
        scopes=scopes,
        defaults=defaults,
        inline=frozenset(data.get("inline", [])),
        max_words=max_words + 1,  # OCR may split one printed word in two
        long_keys=tuple(k for k in entries if len(k) >= 5),
        opener_scopes={sec: frozenset(gens) for sec, gens in data.get("opener_scopes", {}).items()},
    )
