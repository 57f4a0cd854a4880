"""The vocabulary the extractor reads with: ``entities.yaml`` over the public ontologies, and proposed names."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Entity
from .lexicon import Lexicon
from .ontologies import load_index

__all__ = ["open_lexicon"]


def open_lexicon(entities: Iterable[Entity], *, ontologies: bool = True, cache: Path | None = None
                 ) -> tuple[Lexicon, str | None]:
    """Return the lexicon of the vocabulary's entities over the installed ontologies, and a warning or ``None``.

    The warning names a vocabulary package that is missing and the command that installs it; extraction goes
    on without it. With ``ontologies=False`` only ``entities.yaml`` is read, and nothing is proposed that it
    does not name.

    >>> lexicon, warning = open_lexicon([], ontologies=False)
    >>> lexicon.ontology is None, lexicon.propose, warning
    (True, False, None)
    """
    if not ontologies:
        return Lexicon(entities), None
    loaded = load_index(cache)
    return Lexicon(entities, ontology=loaded.index, propose=True), loaded.message
