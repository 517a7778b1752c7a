"""Labels the lexicon does not list, matched to a field by meaning.

A lexicon of wordings will never be complete: a form printing "Sending Physician:" or "Plan
Group Number:" names a field in words nobody listed. Such a label is compared, with the
sentence-embedding model the project ships (``extractors.embeddings``), against every lexicon
wording plus a short description of each field (``meanings`` in ``rules/labels.yaml``), and
takes the entry of its nearest neighbour when that neighbour is close enough and clearly
closer than any wording of another field. Wordings of things we do not extract ("Allergies",
"Emergency Contact") are in the lexicon too (``not_fields``), so a label that means one of
them is recognised as *not* a field rather than forced onto the nearest field.

The lexicon's vectors are shipped precomputed (``rules/label_vectors.npz``, rebuilt with
``python -m extractors.fields.label_meaning``): embedding ~800 wordings costs seconds, a
lookup a few milliseconds. Wordings added since the file was built are embedded on first use.
Lookups are cached per label string. A meaning match is weaker evidence than a printed
wording: its score (0.6–0.85) keeps the values it finds below the 0.9 "trusted" confidence.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.fields.labels import Entry, Lexicon, Match, load_lexicon

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

VECTORS_PATH = Path(__file__).parent / "rules" / "label_vectors.npz"
#: Cosine similarity to the nearest wording needed to take its meaning.
MIN_SIMILARITY = 0.78
#: For a label with no ":" after it (a cell heading a box): stricter, values look like labels.
MIN_SIMILARITY_BARE = 0.86
#: How much closer the best field must be than the best wording of an incompatible field.
MIN_MARGIN = 0.03
#: Label score at ``MIN_SIMILARITY`` and at similarity 1.0 (linear in between).
SCORE_LOW, SCORE_HIGH = 0.6, 0.85
MAX_CHARS = 48
_LOCK = threading.Lock()
_SENTENCE_WORDS = frozenset(
    {"is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "should"}
    | {"can", "could", "does", "did", "i", "we", "you", "he", "she", "they", "my", "our", "your"}
    | {"his", "her", "their"}
)
_MEMO_SIZE = 20_000
_MEMO: dict[tuple[int, str, bool], Match | None] = {}
_INDEXES: dict[int, tuple[Lexicon, _Index]] = {}


@dataclass(frozen=True)
class _Index:
    """Every wording and description the meaning lookup compares a label with."""

    entries: tuple[Entry, ...]
    matrix: np.ndarray


def _target(entry: Entry) -> str:
    """What an entry means, for comparing neighbours: a key, a generic, a section, or nothing."""
    if entry.key:
        return entry.key
    if entry.generic:
        return "generic:" + entry.generic
    if entry.header and entry.section:
        return "section:" + entry.section
    return "none"


def same_meaning(a: Entry, b: Entry) -> bool:
    """Whether two entries name the same thing (field key, generic label or section)."""
    return _target(a) == _target(b)


def _compatible(lex: Lexicon, a: Entry, b: Entry) -> bool:
    """Whether two entries can name the same field (a generic and a key it scopes to)."""
    ta, tb = _target(a), _target(b)
    if ta == tb:
        return True
    for gen, key in ((a, b), (b, a)):
        if gen.generic and key.key:
            scoped = {v[0] for v in lex.scopes.get(gen.generic, {}).values()}
            if key.key in scoped or lex.defaults.get(gen.generic, (None, 0))[0] == key.key:
                return True
    return False


def _all_wordings(lex: Lexicon) -> list[tuple[str, Entry]]:
    return [(e.wording, e) for e in lex.entries.values()] + list(lex.meanings)


def _load_vectors(path: Path) -> dict[str, np.ndarray]:
    import numpy as np

    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return dict(zip(data["wordings"].tolist(), data["vectors"].astype(np.float32), strict=True))


def _index(lex: Lexicon) -> _Index:
    """The lexicon's vectors: shipped ones, plus any wording added since, embedded now.

    Built once per Lexicon object (tests may swap in another lexicon).
    """
    import numpy as np

    hit = _INDEXES.get(id(lex))
    if hit is not None and hit[0] is lex:
        return hit[1]

    from extractors.embeddings import encode

    pairs = _all_wordings(lex)
    known = _load_vectors(VECTORS_PATH)
    missing = sorted({w for w, _ in pairs if w not in known})
    if missing:
        log.info("embedding %d label wordings not in the shipped vectors", len(missing))
        known.update(zip(missing, encode(missing), strict=True))
    matrix = np.vstack([known[w] for w, _ in pairs]).astype(np.float32)
    index = _Index(tuple(e for _, e in pairs), matrix)
    _INDEXES[id(lex)] = (lex, index)
    return index


def build_vectors(path: Path = VECTORS_PATH) -> int:
    """Embed every wording and description of the lexicon into ``path``; returns the count."""
    import numpy as np

    from extractors.embeddings import encode

    words = sorted({w for w, _ in _all_wordings(load_lexicon())})
    vectors = encode(words).astype(np.float16)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, wordings=np.array(words), vectors=vectors)
    tmp.replace(path)  # atomically: a running process never reads half a file
    return len(words)


def plausible_label(text: str) -> bool:
    """Whether ``text`` could be a printed label: short, mostly letters, few digits, no verb.

    "The patient has the following:" ends in ":" but is a sentence; labels are noun phrases,
    so an auxiliary verb or a personal pronoun rules a text out.
    """
    letters = sum(c.isalpha() for c in text)
    if any(w in _SENTENCE_WORDS for w in re.findall(r"[a-z]+", text.lower())):
        return False
    return (
        2 <= len(text) <= MAX_CHARS
        and letters >= 3
        and letters >= 0.6 * len(text.replace(" ", ""))
        and sum(c.isdigit() for c in text) <= 1
        and len(text.split()) <= 6
    )


def meaning_of(
    lex: Lexicon, text: str, *, bare: bool = False, header_row: bool = False
) -> Match | None:
    """The lexicon entry ``text`` means, with a score, or ``None`` when unsure or not a label.

    Args:
        lex: the lexicon whose wordings (and field descriptions) are the references.
        text: the label as printed, without its ":".
        bare: the text has no ":" after it (a box heading), so a closer match is required...
        header_row: ...unless other cells of its row are lexicon labels (a table header row).

    Returns:
        A ``Match`` whose entry may be a field, a generic label, a section header, or a
        non-field wording (which callers then ignore); ``None`` when nothing is close enough
        or two different fields are about as close.
    """
    text = " ".join(text.split()).strip(" :;-_|")
    if not plausible_label(text):
        return None
    bare = bare and not header_row
    memo_key = (id(lex), text.lower(), bare)
    if memo_key in _MEMO:
        return _MEMO[memo_key]
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.clear()
    found = _MEMO[memo_key] = _nearest(lex, text.lower(), bare=bare)
    return found


def _nearest(lex: Lexicon, text: str, *, bare: bool) -> Match | None:
    try:
        with _LOCK:
            index = _index(lex)
        from extractors.embeddings import encode

        sims = index.matrix @ encode([text])[0]
    except (OSError, ValueError, ImportError, RuntimeError) as exc:
        log.warning("label meaning unavailable (%s); lexicon labels only", type(exc).__name__)
        return None
    order = sims.argsort()[::-1]
    best = index.entries[int(order[0])]
    top = float(sims[order[0]])
    if top < (MIN_SIMILARITY_BARE if bare else MIN_SIMILARITY):
        return None
    for k in order[1:50]:
        other = index.entries[int(k)]
        if not _compatible(lex, best, other):
            if top - float(sims[k]) < MIN_MARGIN:
                return None
            break
    frac = (min(top, 1.0) - MIN_SIMILARITY) / (1.0 - MIN_SIMILARITY)
    return Match(best, round(SCORE_LOW + (SCORE_HIGH - SCORE_LOW) * max(frac, 0.0), 3))


if __name__ == "__main__":  # pragma: no cover - maintenance command
    import sys

    sys.stdout.write(f"{build_vectors()} label wordings embedded into {VECTORS_PATH}\n")
