"""The media types ``kg serve`` answers in, chosen from the request's Accept header.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS, "application/sparql-results+json")[0]
'application/sparql-results+xml'
>>> negotiate("*/*", GRAPHS, "text/turtle")[0]
'text/turtle'
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

__all__ = ["GRAPHS", "RESULTS", "negotiate"]

#: Media types of the answers to SELECT and ASK.
RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: Media types of the answers to CONSTRUCT and DESCRIBE.
GRAPHS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def negotiate(accept: str, choices: dict[str, Any], default: str) -> tuple[str, Any]:
    """Pick the best media type of ``choices`` for an Accept header (q-values honoured, */* allowed)."""
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *options = (x.strip() for x in part.split(";"))
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, media.lower()))
    for quality, _, media in sorted(ranked):
        if quality == 0:  # q=0 means "not acceptable"
            continue
        if media in choices:
            return media, choices[media]
        if media in ("*/*", "application/*", "text/*"):
            return default, choices[default]
    return default, choices[default]
