"""Validation of the data and of the graph built from it.

Three checks, each problem located by claim id and file:line:

* anchoring and every other check made while loading the data folder (see :mod:`kg.claims`);
* the vocabulary check: every ``cekg:`` term the graph uses is defined in the ontology, and every predicate and
  class comes from a known vocabulary;
* SHACL with the shipped shapes, over the statement view: by default with :mod:`kg.shacl`, which evaluates the
  shapes on Oxigraph's indexes and reports what pySHACL reports; pySHACL itself on request.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import rdflib

from . import shacl
from .build import claim_ids, corpus_nquads
from .corpus import Corpus, load_corpus
from .errors import DataError, Problem
from .model import Location
from .resources import shapes_file
from .store import memory_store
from .vocab import CEKG, PREFIXES

__all__ = ["Report", "ShaclEngine", "shacl_problems", "validate", "vocabulary_problems"]

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_DEFINITION = PREFIXES["skos"] + "definition"
#: Vocabularies whose terms may appear as predicates and classes beside the project's own.
STANDARD_NAMESPACES = tuple(PREFIXES[p] for p in (
    "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa", "cito", "np", "npx", "biolink", "schema", "foaf",
    "dcat", "void", "vann", "sh",
))
#: The roles a term can be used in, from the one a problem names first.
_ROLES = ("predicate", "class", "term")


class ShaclEngine(StrEnum):
    """Which SHACL engine checks the shapes."""

    NATIVE = "native"
    PYSHACL = "pyshacl"


@dataclass(frozen=True)
class Report:
    """The outcome of :func:`validate`.

    Attributes:
        problems: every problem found; empty when the data conforms.
        shacl: the SHACL validation report, itself an RDF graph (``None`` when loading failed).
        claims: how many claims were checked.
    """

    problems: Sequence[Problem] = field(default_factory=list)
    shacl: rdflib.Graph | None = None
    claims: int = 0

    @property
    def conforms(self) -> bool:
        """Whether no problem was found."""
        return not self.problems


def validate(data_dir: Path, *, include_proposed: bool = False, engine: ShaclEngine = ShaclEngine.NATIVE
             ) -> Report:
    """Check the data folder and the graph it builds into.

    Raises:
        NotFoundError: the data folder does not exist.
    """
    with _cycle_collection_paused():
        try:
            corpus = load_corpus(data_dir, include_proposed=include_proposed)
            store = memory_store(corpus_nquads(corpus))
        except DataError as err:
            return Report(problems=err.problems)
        problems = vocabulary_problems(store)
        shacl_report, found = shacl_problems(store, corpus, engine=engine)
        problems.extend(found)
        return Report(problems=problems, shacl=shacl_report, claims=len(corpus.claims))


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration, then restore it as it was.

    Validation keeps millions of objects alive at once (the claims, the graph's values by predicate, the results
    of nested shapes), none of them in reference cycles; each full collection would walk them all again. At
    100,000 claims that was 12 s of the 44 s of CPU the SHACL check took.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _iri(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def vocabulary_problems(quads: Sequence[ox.Quad] | ox.Store) -> list[Problem]:
    """Return a problem for each term used but not defined.

    A ``cekg:`` term is defined when the ontology gives it a label and a definition; any other predicate or
    class must come from one of :data:`STANDARD_NAMESPACES` (claim predicates are ours, so checked as above).
    A term used in several roles is named in the first of: predicate, class, term.
    """
    if isinstance(quads, ox.Store):
        defined, used = _store_terms(quads)
    else:
        defined, used = _quad_terms(quads)
    undefined: dict[str, str] = {}
    for role in _ROLES:
        for iri in sorted(used[role]):
            if iri.startswith(CEKG):
                if iri not in defined:
                    undefined.setdefault(iri, role)
            elif role != "term" and not iri.startswith(STANDARD_NAMESPACES):
                undefined.setdefault(iri, role)
    return [
        Problem(f"{role} <{iri}> is used but not defined in ontology/cekg.ttl: define it there (label, "
                "definition, mapping) or use a defined term", file="ontology/cekg.ttl")
        for iri, role in sorted(undefined.items())
    ]


def _quad_terms(quads: Iterable[ox.Quad]) -> tuple[set[str], dict[str, set[str]]]:
    labelled, described = set(), set()
    used: dict[str, set[str]] = {role: set() for role in _ROLES}
    for quad in quads:
        predicate = quad.predicate.value
        used["predicate"].add(predicate)
        if predicate == RDF_TYPE and (cls := _iri(quad.object)):
            used["class"].add(cls)
        for term in (quad.subject, quad.object):
            if (iri := _iri(term)) and iri.startswith(CEKG):
                used["term"].add(iri)
        if (subject := _iri(quad.subject)) and subject.startswith(CEKG):
            if predicate == RDFS_LABEL:
                labelled.add(subject)
            elif predicate == SKOS_DEFINITION:
                described.add(subject)
    return labelled & described, used


_DEFINED = """SELECT DISTINCT ?term WHERE {
  ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label ; <http://www.w3.org/2004/02/skos/core#definition> ?d .
  FILTER (isIRI(?term) && STRSTARTS(STR(?term), "https://w3id.org/cekg/vocab#"))
}"""
_PREDICATES = "SELECT DISTINCT ?term WHERE { ?s ?term ?o }"
_CLASSES = "SELECT DISTINCT ?term WHERE { ?s a ?term FILTER isIRI(?term) }"
_TERMS = """SELECT DISTINCT ?term WHERE {
  { ?term ?p ?o } UNION { ?s ?p ?term }
  FILTER (isIRI(?term) && STRSTARTS(STR(?term), "https://w3id.org/cekg/vocab#"))
}"""


def _store_terms(store: ox.Store) -> tuple[set[str], dict[str, set[str]]]:
    def run(query: str) -> set[str]:
        solutions = cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))
        return {row["term"].value for row in solutions}

    return run(_DEFINED), {"predicate": run(_PREDICATES), "class": run(_CLASSES), "term": run(_TERMS)}


def shacl_problems(default_graph: Sequence[ox.Quad] | ox.Store, corpus: Corpus, *,
                   engine: ShaclEngine = ShaclEngine.NATIVE) -> tuple[rdflib.Graph, list[Problem]]:
    """Run the shipped SHACL shapes over the statement view and locate each violation.

    Args:
        default_graph: the statement view: its quads, or a store whose default graph it is.
        corpus: the corpus it was built from, to locate the problems.
        engine: the SHACL engine; the native one falls back to pySHACL for shapes it cannot evaluate.

    Returns:
        The SHACL report graph and one problem per validation result.
    """
    if isinstance(default_graph, ox.Store):
        store = default_graph
    else:
        store = ox.Store()
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in default_graph)
    report = None
    if engine is ShaclEngine.NATIVE:
        try:
            report = shacl.report_graph(shacl.validate(store, _native_shapes()))
        except shacl.Unsupported:
            report = None
    if report is None:
        report = _pyshacl(store)
    return report, _located(report, corpus)


def _native_shapes() -> shacl.Shapes:
    path = shapes_file()
    stat = path.stat()
    return _shapes_at(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _shapes_at(path: str, _mtime: int, _size: int) -> shacl.Shapes:
    return shacl.Shapes(Path(path))


def _pyshacl(store: ox.Store) -> rdflib.Graph:
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    ntriples = ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                             for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                            format=ox.RdfFormat.N_TRIPLES) or b""
    data.parse(data=ntriples.decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(shapes_file(), format="turtle")
    _conforms, report, _text = shacl_validate(data, shacl_graph=shapes, advanced=True, inference="none",
                                              allow_warnings=True)
    return cast(rdflib.Graph, report)


def _located(report: rdflib.Graph, corpus: Corpus) -> list[Problem]:
    locations = _locations(corpus)
    sh = rdflib.Namespace(PREFIXES["sh"])
    problems = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = str(report.value(result, sh.focusNode))
        path = report.value(result, sh.resultPath)
        messages = sorted(str(m) for m in report.objects(result, sh.resultMessage))
        value = report.value(result, sh.value)
        # Graph-wide constraints report on a document and name the offending node as the value.
        claim, location = _locate(str(value), locations) if isinstance(value, rdflib.URIRef) else (None, None)
        if claim is None:
            claim, location = _locate(focus, locations)
        text = messages[0] if messages else "violates a shape"
        if path is not None:
            text += f" (property {_short(str(path))})"
        if value is not None:
            text += f" (value {_short(str(value))})"
        if claim is None:
            text += f" on <{focus}>"
        problems.append(Problem(text, file=location.file if location else None,
                                line=location.line if location else None, claim=claim))
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.claim or "", p.message))


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _locations(corpus: Corpus) -> Mapping[str, tuple[str | None, Location | None]]:
    from . import iris

    found: dict[str, tuple[str | None, Location | None]] = {}
    ids = claim_ids(corpus)
    for claim in corpus.claims:
        found[ids[claim.id]] = (claim.id, claim.location)
    for document in corpus.documents.values():
        found[iris.document_iri(document.sha256)] = (None, document.location)
    return found


def _locate(focus: str, locations: Mapping[str, tuple[str | None, Location | None]]
            ) -> tuple[str | None, Location | None]:
    from . import iris

    # Anchors, selectors, quantities and links hang under their claim's or document's IRI.
    return locations.get(focus) or locations.get(iris.owner_iri(focus)) or (None, None)
