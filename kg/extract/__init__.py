"""Assisted curation: propose claims from a document, for a curator to accept, edit or reject.

The extractor reads a document sentence by sentence with general rules (cue lists and patterns of the language
of health documents, and the labels and synonyms of ``entities.yaml``); it never reads the curated claims.
:mod:`kg.extract.score` measures it against them.

>>> from kg.model import Document, Entity
>>> from kg.vocab import DocumentKind, EntityType
>>> text = "Some studies suggest that ketamine may not reduce the frequency of migraines."
>>> document = Document("note", "A note", DocumentKind.NEWS, "0" * 64, text, "0" * 64)
>>> lexicon = Lexicon([Entity("urn:x:k", "CHEBI:6121", "ketamine", EntityType.DRUG),
...                    Entity("urn:x:m", "MONDO:0005277", "migraine", EntityType.DISEASE)])
>>> [(p.category.value, p.predicate, p.object, p.polarity.value, p.modality.value, p.cues)
...  for p in extract(document, lexicon).proposals]
[('efficacy', 'cekg:reducesFrequencyOf', 'MONDO:0005277', 'negated', 'hedged', ('suggest', 'may'))]
"""

from __future__ import annotations

from .. import __version__
from .lexicon import Candidate, Lexicon, Mention
from .output import Extractor, MergeResult, OutputFormat, claims_yaml, json_lines, merge
from .propose import Extraction, Proposal, extract
from .score import ScoreFormat, Scores, Tally, render, score_corpus, score_development, score_proposals, write_scores
from .vocabularies import open_lexicon

__all__ = [
    "EXTRACTOR",
    "Candidate",
    "Extraction",
    "Extractor",
    "Lexicon",
    "Mention",
    "MergeResult",
    "OutputFormat",
    "Proposal",
    "ScoreFormat",
    "Scores",
    "Tally",
    "claims_yaml",
    "extract",
    "json_lines",
    "merge",
    "open_lexicon",
    "render",
    "score_corpus",
    "score_development",
    "score_proposals",
    "write_scores",
]

#: The extractor's name and version, recorded on every proposal (its version is the package's).
EXTRACTOR = Extractor("kg-extract", __version__)
