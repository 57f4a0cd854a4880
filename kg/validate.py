"""Validation of the data and of the graph built from it.

Three checks, each problem located by claim id and file:line:

* anchoring and every other check made while loading the data folder (see :mod:`kg.claims`);
* the vocabulary check: every ``cekg:`` term the graph uses is defined in the ontology, and every predicate and
  class comes from a known vocabulary;
* SHACL (pySHACL) with the shipped shapes, over the statement view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .build import claim_ids, corpus_quads
from .corpus import Corpus, load_corpus
from .errors import DataError, Problem
from .model import Location
from .resources import shapes_file
from .vocab import CEKG, PREFIXES

__all__ = ["Report", "shacl_problems", "validate", "vocabulary_problems"]

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_DEFINITION = PREFIXES["skos"] + "definition"
#: Vocabularies whose terms may appear as predicates and classes beside the project's own.
STANDARD_NAMESPACES = tuple(PREFIXES[p] for p in (
    "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa", "np", "npx", "biolink", "schema", "foaf",
    "dcat", "void", "vann", "sh",
))


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


def validate(data_dir: Path, *, include_proposed: bool = False) -> Report:
    """Check the data folder and the graph it builds into.

    Raises:
        NotFoundError: the data folder does not exist.
    """
    try:
        corpus = load_corpus(data_dir, include_proposed=include_proposed)
        quads = list(corpus_quads(corpus))
    except DataError as err:
        return Report(problems=err.problems)
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    problems = list(vocabulary_problems(quads))
    shacl_report, found = shacl_problems(default, corpus)
    problems.extend(found)
    return Report(problems=problems, shacl=shacl_report, claims=len(corpus.claims))


def _defined_terms(quads: Iterable[ox.Quad]) -> set[str]:
    labelled, defined = set(), set()
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(CEKG):
            if quad.predicate.value == RDFS_LABEL:
                labelled.add(quad.subject.value)
            elif quad.predicate.value == SKOS_DEFINITION:
                defined.add(quad.subject.value)
    return labelled & defined


def vocabulary_problems(quads: Sequence[ox.Quad]) -> list[Problem]:
    """Return a problem for each term used but not defined.

    A ``cekg:`` term is defined when the ontology gives it a label and a definition; any other predicate or
    class must come from one of :data:`STANDARD_NAMESPACES` (claim predicates are ours, so checked as above).
    """
    defined = _defined_terms(quads)
    undefined: dict[str, str] = {}
    for quad in quads:
        positions: list[tuple[str, object]] = [("predicate", quad.predicate)]
        if quad.predicate.value == RDF_TYPE:
            positions.append(("class", quad.object))
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(CEKG):
                positions.append(("term", term))
        for role, candidate in positions:
            if not isinstance(candidate, ox.NamedNode):
                continue
            iri = candidate.value
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


def shacl_problems(default_graph: Sequence[ox.Quad], corpus: Corpus) -> tuple[rdflib.Graph, list[Problem]]:
    """Run the shipped SHACL shapes over the statement view and locate each violation.

    Returns:
        The SHACL report graph and one problem per validation result.
    """
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    ntriples = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in default_graph),
                            format=ox.RdfFormat.N_TRIPLES) or b""
    data.parse(data=ntriples.decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(shapes_file(), format="turtle")
    _conforms, report, _text = shacl_validate(data, shacl_graph=shapes, advanced=True, inference="none",
                                              allow_warnings=True)
    locations = _locations(corpus)
    sh = rdflib.Namespace(PREFIXES["sh"])
    problems = []
    for result in sorted(report.subjects(rdflib.RDF.type, sh.ValidationResult), key=str):
        focus = str(report.value(result, sh.focusNode))
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        value = report.value(result, sh.value)
        # Graph-wide constraints report on a document and name the offending node as the value.
        claim, location = _locate(str(value), locations) if isinstance(value, rdflib.URIRef) else (None, None)
        if claim is None:
            claim, location = _locate(focus, locations)
        text = f"{message or 'violates a shape'}"
        if path is not None:
            text += f" (property {_short(str(path))})"
        if value is not None:
            text += f" (value {_short(str(value))})"
        if claim is None:
            text += f" on <{focus}>"
        problems.append(Problem(text, file=location.file if location else None,
                                line=location.line if location else None, claim=claim))
    return report, problems


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
    # Anchors, selectors, quantities and links hang under their claim's or document's IRI.
    candidate = focus
    while candidate:
        if candidate in locations:
            return locations[candidate]
        if "/" not in candidate:
            break
        candidate = candidate.rsplit("/", 1)[0]
    return None, None
