"""Nanopublications ready to publish: trusty URIs, signatures, the publication info servers ask for, one per file.

The store names a claim's nanopublication ``<.../np/KEY>`` and its graphs ``<.../np/KEY/head>`` and so on. A
trusty URI has its artifact code where the nanopublication's name ends, and nanopub tools put the names of its
parts after the code and a ``#``: the export lays each nanopublication out as ``<.../np/KEY/RA...>`` with graphs
``<.../np/KEY/RA...#head>``, ``#assertion``, ``#provenance``, ``#pubinfo`` and its signature ``#sig``. The store
keeps its own names (see docs/exporting.md for why); every other IRI (claims, anchors, documents) is unchanged.

In trusty mode the publication info also gets what publishing servers ask for, from the data alone, so the export
stays deterministic: ``dcterms:created`` as an ``xsd:dateTime`` (midnight UTC of the curation date, in place of the
store's ``xsd:date``), ``dcterms:creator`` and ``pav:createdBy`` (the curator of the claims file: the ORCID it
gives, else the project's agent for it), and ``dcterms:license`` (the licence the ontology declares).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..errors import UsageError
from ..vocab import PREFIXES
from . import ExportFormat, ExportResult, Progress, View, check_request, check_target, no_progress
from .sign import SigningKey
from .trusty import PLACEHOLDER, Literal, NamedNode, Quad, Term, artifact_code, normal_form, replace_code

__all__ = ["Nanopub", "NanopubResult", "export_nanopubs", "nanopubs", "split_names", "write_nanopubs"]

_NP = "http://www.nanopub.org/nschema#"
_NPX = "http://purl.org/nanopub/x/"
_DCT = "http://purl.org/dc/terms/"
_PAV = "http://purl.org/pav/"
_PROV = "http://www.w3.org/ns/prov#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ORCID = re.compile(r"https://orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
#: The files a split export writes (and may replace): one per nanopublication, named by its claim's key.
_SPLIT_FILE = re.compile(r"[0-9a-f]{16}\.(?:trig|nq)")
_EXTENSIONS = {ExportFormat.TRIG: "trig", ExportFormat.NQUADS: "nq"}


@dataclass(frozen=True)
class Nanopub:
    """One nanopublication as exported.

    Attributes:
        key: the content key of its claim (the last part of its name in the store).
        iri: its name: the store's, or its trusty URI.
        quads: its statements, in a stable order (graph, subject, predicate, object).
    """

    key: str
    iri: str
    quads: tuple[ox.Quad, ...]


@dataclass(frozen=True)
class _Context:
    """What the publication info takes from outside the nanopublication: agents' names and the licence."""

    labels: dict[str, str]
    licence: str | None


def _select(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("a SELECT query gave no solutions")
    yield from solutions


def _context(store: ox.Store) -> _Context:
    labels = {s["agent"].value: s["label"].value for s in _select(
        store, f"SELECT ?agent ?label WHERE {{ ?agent a <{_PROV}Agent> ; "
               "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")}
    licences = [s["licence"].value for s in _select(
        store, f"SELECT ?licence WHERE {{ ?ontology a <http://www.w3.org/2002/07/owl#Ontology> ; <{_DCT}license> "
               "?licence FILTER(isIRI(?licence)) } ORDER BY ?licence LIMIT 1")]
    return _Context(labels=labels, licence=licences[0] if licences else None)


def _heads(store: ox.Store) -> list[tuple[str, str]]:
    return [(s["np"].value, s["head"].value) for s in _select(
        store, f"SELECT ?np ?head WHERE {{ GRAPH ?head {{ ?np a <{_NP}Nanopublication> }} }} ORDER BY ?np")]


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, where: str) -> Term:
    if isinstance(term, ox.NamedNode):
        return NamedNode(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, term.datatype.value, term.language)
    raise UsageError(f"nanopublication {where} holds a blank node or a quoted triple, which has no trusty form: "
                     "rebuild the store with this version of kg")


def _node(node: NamedNode) -> ox.NamedNode:
    return ox.NamedNode(node.value)


def _ox(term: Term) -> ox.NamedNode | ox.Literal:
    if isinstance(term, NamedNode):
        return _node(term)
    if term.language is not None:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))


def _read(store: ox.Store, np: str, head: str) -> list[Quad]:
    """Return the statements of the nanopublication *np* whose head graph is *head*."""
    parts = (f"{_NP}hasAssertion", f"{_NP}hasProvenance", f"{_NP}hasPublicationInfo")
    graphs = [head] + [q.object.value for q in store.quads_for_pattern(ox.NamedNode(np), None, None, ox.NamedNode(head))
                       if q.predicate.value in parts and isinstance(q.object, ox.NamedNode)]
    out: list[Quad] = []
    for graph in graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            subject, predicate, obj = (_term(t, np) for t in (q.subject, q.predicate, q.object))
            if not isinstance(subject, NamedNode) or not isinstance(predicate, NamedNode):
                raise UsageError(f"nanopublication {np} has a literal as a subject: rebuild the store")
            out.append(Quad(NamedNode(graph), subject, predicate, obj))
    return out


def _relaid(quads: list[Quad], np: str) -> tuple[list[Quad], str]:
    """Lay a nanopublication out for a trusty URI, with the placeholder where the artifact code goes."""
    trusty = f"{np}/{PLACEHOLDER}"

    def name(node: NamedNode) -> NamedNode:
        if node.value == np:
            return NamedNode(trusty)
        if node.value.startswith(np + "/"):
            return NamedNode(f"{trusty}#{node.value[len(np) + 1:]}")
        return node

    return [Quad(name(q.graph), name(q.subject), name(q.predicate),
                 name(q.object) if isinstance(q.object, NamedNode) else q.object) for q in quads], trusty


def creator(label: str | None, agent: str) -> str:
    """Return the creator of a nanopublication: the ORCID its curator's name gives, else the curator's agent IRI.

    >>> creator("Jane Doe <https://orcid.org/0000-0002-1825-0097>", "https://w3id.org/cekg/id/agent/jane-doe")
    'https://orcid.org/0000-0002-1825-0097'
    >>> creator("cekg curators", "https://w3id.org/cekg/id/agent/cekg-curators")
    'https://w3id.org/cekg/id/agent/cekg-curators'
    """
    found = _ORCID.search(label or "")
    return found.group(0) if found else agent


def _pubinfo(quads: list[Quad], np: str, store_np: str, context: _Context) -> tuple[list[Quad], str]:
    """Return the quads with the publication info servers ask for, and the creator's IRI."""
    pubinfo = NamedNode(f"{np}#pubinfo")
    this = NamedNode(np)
    created = [q for q in quads if q.graph == pubinfo and q.subject == this and q.predicate.value == f"{_DCT}created"]
    if not created or not isinstance(created[0].object, Literal):
        raise UsageError(f"nanopublication {store_np} has no creation date, which publishing needs: give the "
                         "curation of its claims file a date (curation: date: YYYY-MM-DD) and rebuild")
    date = created[0].object
    if date.datatype == f"{_XSD}dateTime":
        when = date
    elif date.datatype == f"{_XSD}date" and _DATE.fullmatch(date.value):
        when = Literal(f"{date.value}T00:00:00Z", f"{_XSD}dateTime")
    else:
        raise UsageError(f"nanopublication {store_np} was created {date.value!r}, which is not a date "
                         "(YYYY-MM-DD): correct the curation date of its claims file and rebuild")
    agents = sorted(q.object.value for q in quads if q.graph == pubinfo and q.subject == this
                    and q.predicate.value == f"{_PROV}wasAttributedTo" and isinstance(q.object, NamedNode))
    if not agents:
        raise UsageError(f"nanopublication {store_np} names no curator, which publishing needs: rebuild the store")
    who = creator(context.labels.get(agents[0]), agents[0])
    out = [q for q in quads if q not in created]
    out += [Quad(pubinfo, this, NamedNode(f"{_DCT}created"), when),
            Quad(pubinfo, this, NamedNode(f"{_DCT}creator"), NamedNode(who)),
            Quad(pubinfo, this, NamedNode(f"{_PAV}createdBy"), NamedNode(who))]
    if context.licence is not None:
        out.append(Quad(pubinfo, this, NamedNode(f"{_DCT}license"), NamedNode(context.licence)))
    return out, who


def _signed(quads: list[Quad], np: str, who: str, key: SigningKey) -> list[Quad]:
    """Add the signature to the publication info: over the normal form of everything but the signature itself."""
    pubinfo, sig = NamedNode(f"{np}#pubinfo"), NamedNode(f"{np}#sig")
    out = [*quads, Quad(pubinfo, sig, NamedNode(f"{_NPX}hasAlgorithm"), Literal("RSA")),
           Quad(pubinfo, sig, NamedNode(f"{_NPX}hasPublicKey"), Literal(key.public_key)),
           Quad(pubinfo, sig, NamedNode(f"{_NPX}hasSignatureTarget"), NamedNode(np))]
    if _ORCID.fullmatch(who):
        out.append(Quad(pubinfo, sig, NamedNode(f"{_NPX}signedBy"), NamedNode(who)))
    return [*out, Quad(pubinfo, sig, NamedNode(f"{_NPX}hasSignature"), Literal(key.sign(normal_form(out))))]


def _ordered(quads: Iterable[Quad]) -> tuple[ox.Quad, ...]:
    made = [ox.Quad(_node(q.subject), _node(q.predicate), _ox(q.object), _node(q.graph)) for q in quads]
    return tuple(sorted(made, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))))


def nanopubs(store: ox.Store, *, trusty: bool = False, key: SigningKey | None = None,
             progress: Progress | None = None) -> Iterator[Nanopub]:
    """Yield every nanopublication of the store in the order of their names, as the store holds it or trusty.

    Args:
        store: the store.
        trusty: give each a trusty URI and the publication info publishing servers ask for.
        key: sign each with this key (implies *trusty*).
        progress: wraps the stream of nanopublications.

    Raises:
        UsageError: a nanopublication lacks what publishing needs (a creation date, a curator).
    """
    context = _context(store) if trusty or key is not None else None
    heads = _heads(store)
    for np, head in (progress or no_progress)(heads, total=len(heads), unit="claim"):
        quads = _read(store, np, head)
        store_key = np.rstrip("/").rsplit("/", 1)[-1]
        if context is None:
            yield Nanopub(store_key, np, _ordered(quads))
            continue
        laid, placeholder = _relaid(quads, np)
        laid, who = _pubinfo(laid, placeholder, np, context)
        if key is not None:
            laid = _signed(laid, placeholder, who, key)
        code = artifact_code(laid)
        yield Nanopub(store_key, placeholder.replace(PLACEHOLDER, code), _ordered(replace_code(laid, code)))


def split_names(folder: Path) -> list[str]:
    """Return the files of a folder that a split export wrote (and may replace)."""
    return sorted(p.name for p in folder.iterdir() if _SPLIT_FILE.fullmatch(p.name)) if folder.is_dir() else []


def _prefixes(nanopub: Nanopub | None, *, trusty: bool) -> dict[str, str]:
    """Return the prefixes of a TriG file: the project's, ``pav:`` for trusty ones, ``this:`` and ``sub:`` for one
    trusty nanopublication."""
    prefixes = {**PREFIXES, "pav": _PAV} if trusty else PREFIXES
    if nanopub is None or not trusty:
        return prefixes
    return {**prefixes, "this": nanopub.iri, "sub": nanopub.iri + "#"}


def write_nanopubs(store: ox.Store, fmt: ExportFormat, out: IO[bytes] | Path, *, trusty: bool = False,
                   key: SigningKey | None = None, progress: Progress | None = None) -> tuple[int, int]:
    """Write the nanopublications as TriG or N-Quads: to one stream, or one file each into a folder.

    Args:
        store: the store.
        fmt: TriG or N-Quads.
        out: a binary stream for one file, or a folder (which must exist, empty) for one file each, named
            ``KEY.trig`` or ``KEY.nq`` after the claim's key.
        trusty: trusty URIs and the publication info publishing servers ask for.
        key: sign each nanopublication (implies *trusty*).
        progress: wraps the stream of nanopublications.

    Returns:
        The number of nanopublications and of quads written.
    """
    rdf_format = fmt.rdf_format
    if fmt not in _EXTENSIONS or rdf_format is None:
        raise ValueError(f"nanopublications are written as TriG or N-Quads, not {fmt}")
    count = quads = 0
    trusty = trusty or key is not None
    stream = nanopubs(store, trusty=trusty, key=key, progress=progress)
    if isinstance(out, Path):
        for nanopub in stream:
            with (out / f"{nanopub.key}.{_EXTENSIONS[fmt]}").open("wb") as handle:
                ox.serialize(nanopub.quads, handle, format=rdf_format, prefixes=_prefixes(nanopub, trusty=trusty))
            count, quads = count + 1, quads + len(nanopub.quads)
        return count, quads
    counted: list[int] = []

    def all_quads() -> Iterator[ox.Quad]:
        for nanopub in stream:
            counted.append(len(nanopub.quads))
            yield from nanopub.quads

    ox.serialize(all_quads(), out, format=rdf_format, prefixes=_prefixes(None, trusty=trusty))
    return len(counted), sum(counted)


@dataclass(frozen=True)
class NanopubResult(ExportResult):
    """What a nanopublication export wrote.

    Attributes:
        nanopubs: the number of nanopublications written.
        trusty: whether they have trusty URIs.
        signed: whether they are signed.
        split: whether each is in a file of its own (``files`` then names them).
    """

    nanopubs: int = 0
    trusty: bool = False
    signed: bool = False
    split: bool = False


def export_nanopubs(store: ox.Store, fmt: ExportFormat, out: Path | IO[bytes], *, split: bool = False,
                    trusty: bool = False, key: SigningKey | None = None,
                    progress: Progress | None = None) -> NanopubResult:
    """Export the nanopublications to a file or stream, or one file each into a folder, written whole or not at all.

    Args:
        store: the store.
        fmt: TriG or N-Quads.
        out: the file (or stream) to write; with *split*, the folder, which is replaced only if it holds nothing
            but files of a previous split export.
        split: one file per nanopublication, ``KEY.trig`` or ``KEY.nq``.
        trusty: trusty URIs and the publication info publishing servers ask for.
        key: sign each nanopublication (implies *trusty*).
        progress: wraps the stream of nanopublications.

    Raises:
        UsageError: the format has no named graphs; the output cannot be written; a nanopublication lacks what
            publishing needs. Nothing was written, and any previous output is unchanged.
    """
    from ..files import atomic_folder, atomic_output

    check_request(fmt, View.NANOPUB)
    trusty = trusty or key is not None
    if split:
        if not isinstance(out, Path):
            raise UsageError("one file per nanopublication needs a folder to write them into, not a stream")
        target = check_target(out, folder=True, names=split_names(out.expanduser().resolve()))
        with atomic_folder(target) as staging:
            count, quads = write_nanopubs(store, fmt, staging, trusty=trusty, key=key, progress=progress)
            files = tuple(split_names(staging))
    elif isinstance(out, Path):
        target = check_target(out, folder=False)
        with atomic_output(target) as handle:
            count, quads = write_nanopubs(store, fmt, handle, trusty=trusty, key=key, progress=progress)
        files = (target.name,)
    else:
        count, quads = write_nanopubs(store, fmt, out, trusty=trusty, key=key, progress=progress)
        files = ("-",)
    return NanopubResult(fmt, files, quads=quads, nanopubs=count, trusty=trusty, signed=key is not None,
                         split=split)
