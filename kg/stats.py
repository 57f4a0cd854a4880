"""Counts over the built store: documents, claims by facet, quads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from .vocab import CEKG, PREFIXES, Category, CitationStatus, Modality, Polarity

__all__ = ["Stats", "store_stats"]

_FACETS = ("category", "modality", "polarity", "citationStatus")


@dataclass(frozen=True)
class Stats:
    """What the store holds."""

    documents: int
    claims: int
    quads: int
    named_graphs: int
    nanopublications: int
    by_facet: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return the counts as plain data, e.g. for JSON."""
        return {"documents": self.documents, "claims": self.claims, "quads": self.quads,
                "named_graphs": self.named_graphs, "nanopublications": self.nanopublications,
                **self.by_facet}


#: The value sets whose IRIs are counted under the spelling curators write ("cekg:AccessAndCost" -> "access-and-cost").
_SPELLED = (Category, Modality, Polarity, CitationStatus)


def _local(iri: str) -> str:
    for enum in _SPELLED:
        try:
            return enum.from_iri(iri).value
        except ValueError:
            continue
    return iri[len(CEKG):] if iri.startswith(CEKG) else iri


def store_stats(store: ox.Store) -> Stats:
    """Count what the store holds, from the statement view and the nanopublication graphs."""
    default = ox.DefaultGraph()
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")

    def count_type(iri: str, graph: ox.DefaultGraph | None) -> int:
        return sum(1 for _ in store.quads_for_pattern(None, rdf_type, ox.NamedNode(iri), graph))

    by_facet = {}
    for facet in _FACETS:
        counter = Counter(_local(str(q.object.value)) for q in
                          store.quads_for_pattern(None, ox.NamedNode(CEKG + facet), None, default)
                          if isinstance(q.object, ox.NamedNode))
        by_facet[facet] = dict(sorted(counter.items()))
    return Stats(
        documents=count_type(CEKG + "Document", default),
        claims=count_type(CEKG + "Claim", default),
        quads=len(store),
        named_graphs=sum(1 for _ in store.named_graphs()),
        nanopublications=count_type(PREFIXES["np"] + "Nanopublication", None),
        by_facet=by_facet,
    )
