"""JSON-LD compacted with the shipped context (``ontology/context.jsonld``), written one node object at a time.

The context is embedded in the file, so the file parses anywhere with no network. Compaction is conservative:
a property uses a term of the context only where the term's type coercion fits every form of value, and a value
whose form the coercion does not fit is written as an explicit value object, which coercion never touches. Plain
JSON numbers and booleans are never written, so literals keep their exact datatypes.

The shipped context is JSON-LD 1.1: it says ``"@version": 1.1``, which a 1.0 processor refuses, and declares the
OBO prefixes (``CHEBI``, ``MONDO``, ...) with ``"@prefix": true``, since their namespaces end in ``_``, which 1.1
uses as a prefix only when told. :func:`context_1_0` gives the same context without them; compacted with it, the
same triples are written with the OBO IRIs in full, and read by 1.0 and 1.1 processors alike.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import IO, Any

import pyoxigraph as ox

from ..resources import context_file

__all__ = ["Compactor", "context_1_0", "load_context", "write_jsonld", "write_statements_1_0"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_GEN_DELIMS = tuple(":/?#[]@")
#: Term definitions with any of these keys change how values read; such terms are never used for compaction.
_UNSAFE_KEYS = frozenset({"@reverse", "@context", "@language", "@direction", "@nest", "@index"})
#: What a JSON-LD 1.0 term definition may hold, and the containers it knows.
_KEYS_1_0 = frozenset({"@id", "@reverse", "@type", "@language", "@container"})
_CONTAINERS_1_0 = frozenset({"@list", "@set", "@index", "@language"})

Json = Any


def load_context() -> dict[str, Json]:
    """Return the shipped JSON-LD context object (the value of its ``@context``)."""
    with context_file().open(encoding="utf-8") as handle:
        context: dict[str, Json] = json.load(handle)["@context"]
    return context


def context_1_0(context: dict[str, Json]) -> dict[str, Json]:
    """Return a JSON-LD 1.1 context in the form a 1.0 processor reads: without ``@version``, and without the
    prefixes that only 1.1's ``"@prefix": true`` makes usable (their IRIs are then written in full).

    Raises:
        ValueError: the context uses another feature of 1.1 (scoped contexts, ``@protected``, ``@nest``, ...),
            which has no 1.0 form.

    >>> context_1_0({"@version": 1.1, "cekg": "https://w3id.org/cekg/vocab#",
    ...              "CHEBI": {"@id": "http://purl.obolibrary.org/obo/CHEBI_", "@prefix": True}})
    {'cekg': 'https://w3id.org/cekg/vocab#'}
    >>> context_1_0({"label": {"@id": "rdfs:label", "@protected": True}})
    Traceback (most recent call last):
    ...
    ValueError: the term 'label' uses JSON-LD 1.1 only (@protected): no 1.0 form of the context
    """
    converted: dict[str, Json] = {}
    for name, definition in context.items():
        if name == "@version":
            continue
        if name.startswith("@") and name not in ("@vocab", "@base", "@language"):
            raise ValueError(f"the context's {name} is JSON-LD 1.1 only: no 1.0 form of the context")
        if isinstance(definition, dict):
            if definition.get("@prefix") is True and set(definition) == {"@id", "@prefix"}:
                continue
            extra = sorted(set(definition) - _KEYS_1_0)
            container = definition.get("@container")
            if extra or (container is not None and container not in _CONTAINERS_1_0):
                raise ValueError(f"the term {name!r} uses JSON-LD 1.1 only ({', '.join(extra) or container}): no "
                                 "1.0 form of the context")
        converted[name] = definition
    return converted


@dataclass(frozen=True)
class _Term:
    name: str
    iri: str
    coerce: str | None  # "@id", "@vocab", a datatype IRI, or None
    container: str | None


class Compactor:
    """Compacts RDF terms and node descriptions with a JSON-LD context.

    >>> compactor = Compactor(load_context())
    >>> compactor.iri("http://purl.obolibrary.org/obo/CHEBI_6121")
    'CHEBI:6121'
    >>> compactor.vocab("https://w3id.org/cekg/vocab#Claim")
    'Claim'
    """

    def __init__(self, context: dict[str, Json]) -> None:
        self.vocab_iri: str | None = context.get("@vocab")
        self.plain_strings = "@language" not in context and "@direction" not in context
        prefixes: dict[str, str] = {}
        for name, definition in context.items():
            if name.startswith("@") or ":" in name:
                continue
            if isinstance(definition, str) and definition.endswith(_GEN_DELIMS) and "://" in definition:
                prefixes[name] = definition
            elif isinstance(definition, dict) and definition.get("@prefix") is True:
                prefixes[name] = str(definition["@id"])
        self._prefixes = sorted(((iri, name) for name, iri in prefixes.items()), key=lambda p: (-len(p[0]), p[1]))
        self.aliases: dict[str, str] = {}
        terms: dict[str, _Term] = {}
        for name, definition in sorted(context.items()):
            if name.startswith("@"):
                continue
            spec = {"@id": definition} if isinstance(definition, str) else definition
            if not isinstance(spec, dict) or not isinstance(spec.get("@id"), str):
                continue
            target = spec["@id"]
            if target in ("@id", "@type"):
                self.aliases.setdefault(target, name)
                continue
            if _UNSAFE_KEYS & spec.keys() or spec.get("@container") not in (None, "@set"):
                continue
            iri = self._expand(target, prefixes)
            coerce = spec.get("@type")
            if isinstance(coerce, str) and coerce not in ("@id", "@vocab"):
                coerce = self._expand(coerce, prefixes)
            terms.setdefault(iri, _Term(name, iri, coerce, spec.get("@container")))
        self._terms = terms
        self._names = {name for name in context if not name.startswith("@")}

    def _expand(self, value: str, prefixes: dict[str, str]) -> str:
        prefix, sep, suffix = value.partition(":")
        if sep and prefix in prefixes and not suffix.startswith("//"):
            return prefixes[prefix] + suffix
        if not sep and self.vocab_iri:
            return self.vocab_iri + value
        return value

    def iri(self, iri: str) -> str:
        """Return an IRI as a compact IRI (``CHEBI:6121``) when a prefix fits, else unchanged."""
        for namespace, name in self._prefixes:
            suffix = iri[len(namespace):]
            if iri.startswith(namespace) and suffix and not suffix.startswith("//"):
                candidate = f"{name}:{suffix}"
                if candidate not in self._names:
                    return candidate
        return iri

    def vocab(self, iri: str) -> str:
        """Return an IRI in the form read relative to the vocabulary: a term, a local name, a compact IRI."""
        term = self._terms.get(iri)
        if term is not None:
            return term.name
        if self.vocab_iri and iri.startswith(self.vocab_iri):
            local = iri[len(self.vocab_iri):]
            if local and ":" not in local and not local.startswith("@") and local not in self._names:
                return local
        return self.iri(iri)

    def _reference(self, node: ox.NamedNode | ox.BlankNode) -> str:
        return "_:" + node.value if isinstance(node, ox.BlankNode) else self.iri(node.value)

    def _value(self, term: _Term | None, obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Json:
        coerce = term.coerce if term else None
        if isinstance(obj, ox.NamedNode):
            if coerce == "@id":
                return self.iri(obj.value)
            if coerce == "@vocab":
                return self.vocab(obj.value)
            return {"@id": self.iri(obj.value)}
        if isinstance(obj, ox.BlankNode):
            return {"@id": "_:" + obj.value}
        if not isinstance(obj, ox.Literal):
            raise ValueError(f"cannot write {obj!r} in JSON-LD 1.1")
        datatype = obj.datatype.value
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if coerce is not None and coerce == datatype:
            return obj.value
        if datatype == XSD_STRING and coerce is None and self.plain_strings:
            return obj.value
        return {"@value": obj.value, "@type": self.vocab(datatype)}

    def node(self, subject: ox.NamedNode | ox.BlankNode, triples: Iterable[ox.Triple]) -> dict[str, Json]:
        """Return the node object describing a subject with its triples."""
        types: list[str] = []
        values: dict[str, list[Json]] = defaultdict(list)
        sets: set[str] = set()
        for triple in triples:
            predicate, obj = triple.predicate.value, triple.object
            if predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
                types.append(self.vocab(obj.value))
                continue
            term = self._terms.get(predicate)
            key = term.name if term else self.iri(predicate)
            if term and term.container == "@set":
                sets.add(key)
            values[key].append(self._value(term, obj))
        node: dict[str, Json] = {self.aliases.get("@id", "@id"): self._reference(subject)}
        if types:
            ordered = sorted(set(types))
            node[self.aliases.get("@type", "@type")] = ordered[0] if len(ordered) == 1 else ordered
        for key in sorted(values):
            items = sorted(values[key], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            node[key] = items if len(items) > 1 or key in sets else items[0]
        return node


def write_jsonld(triples: Iterable[ox.Triple], output: IO[bytes], context: dict[str, Json] | None = None) -> int:
    """Write triples, grouped by subject (each subject's triples together), as one compacted JSON-LD document.

    Returns:
        The number of node objects written.
    """
    context = context if context is not None else load_context()
    compactor = Compactor(context)
    embedded = json.dumps(context, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    output.write(f'{{\n  "@context": {embedded},\n  "@graph": ['.encode())
    count = 0
    for subject, group in groupby(triples, key=lambda triple: triple.subject):
        if not isinstance(subject, ox.NamedNode | ox.BlankNode):
            raise ValueError(f"cannot write a quoted triple as a JSON-LD subject: {subject}")
        node = compactor.node(subject, group)
        output.write((",\n    " if count else "\n    ").encode() + json.dumps(node, ensure_ascii=False).encode())
        count += 1
    output.write(b"\n  ]\n}\n" if count else b"]\n}\n")
    return count


def write_statements_1_0(store: ox.Store, output: IO[bytes]) -> int:
    """Write the statement view as ``kg export --format jsonld`` does, with the context in its JSON-LD 1.0 form
    (:func:`context_1_0`), for 1.0 processors.

    Returns:
        The number of node objects written.
    """
    from . import View
    from .rdf import graph_ordered_quads

    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in graph_ordered_quads(store, View.STATEMENTS))
    return write_jsonld(triples, output, context_1_0(load_context()))
