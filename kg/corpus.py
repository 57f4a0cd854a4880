"""The whole data folder loaded and checked: documents, entity vocabulary and claims."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .claims import load_claims
from .documents import load_documents
from .entities import load_entities
from .errors import HINT, DataError, Hint, NotFoundError, Problem, Setting
from .model import Claim, Document, Entity

__all__ = ["Corpus", "load_corpus"]


@dataclass(frozen=True)
class Corpus:
    """Everything the build turns into RDF.

    Attributes:
        documents: the documents, by id.
        entities: the entity vocabulary, by IRI.
        claims: the claims that are built (accepted, and proposed if asked).
        loaded: every claim of the claims files, whatever its status, with its relations as written.
    """

    documents: Mapping[str, Document]
    entities: Mapping[str, Entity]
    claims: Sequence[Claim]
    loaded: Sequence[Claim] = ()


def load_corpus(data_dir: Path, *, include_proposed: bool = False) -> Corpus:
    """Load and check the data folder.

    Raises:
        NotFoundError: the data folder does not exist.
        DataError: with every problem found in documents, entities and claims.
    """
    if not data_dir.is_dir():
        raise NotFoundError(f"no data folder at {data_dir}: {HINT}, or create it with `kg add`",
                            hint=Hint(Setting.DATA))
    problems: list[Problem] = []
    documents: Mapping[str, Document] = {}
    entities: Mapping[str, Entity] = {}
    try:
        documents = load_documents(data_dir)
    except DataError as err:
        problems.extend(err.problems)
    try:
        entities = load_entities(data_dir)
    except DataError as err:
        problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    loaded: list[Claim] = []
    claims = load_claims(data_dir, documents, entities, include_proposed=include_proposed, loaded=loaded)
    return Corpus(documents=documents, entities=entities, claims=claims, loaded=loaded)
