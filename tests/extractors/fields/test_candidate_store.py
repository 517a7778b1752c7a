"""Two fields marked on the same characters keep their own values (spaCy keys span extension
values by characters only; a specialty and a clinical question over "Renal" clobbered each
other and an invalid specialty crashed triage)."""

import spacy

from extractors.fields.base import add_candidate, candidates
from models.vocab import FieldName


def test_candidates_on_the_same_characters_do_not_overwrite_each_other() -> None:
    doc = spacy.blank("en").make_doc("Specialty requested: Renal")
    add_candidate(doc, 21, 26, FieldName.REFERRAL_SPECIALTY, "nephrology", 0.9, "a")
    add_candidate(doc, 21, 26, FieldName.REFERRAL_CLINICAL_QUESTION, "Renal", 0.6, "b")
    found = {c.name: (c.value, c.confidence, c.extractor) for c in candidates(doc, 1)}
    assert found[FieldName.REFERRAL_SPECIALTY] == ("nephrology", 0.9, "a")
    assert found[FieldName.REFERRAL_CLINICAL_QUESTION] == ("Renal", 0.6, "b")
