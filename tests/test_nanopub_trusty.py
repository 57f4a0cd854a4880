"""The normal form of module RA on what the corpus does not hold: escapes, language tags, IRI and literal objects of
one subject and predicate, literals of one value and several datatypes, duplicates. Checked against nanopub-py's
normal form and the nanopub Rust toolkit's verdict on a nanopublication made of them; and the one order on which
the two tools differ, which no nanopublication of the corpus meets."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pyoxigraph as ox

from kg.export.trusty import Literal, NamedNode, Quad, artifact_code, normal_form, replace_code

from .test_nanopub_export import _check

BASE = "https://example.org/np/test/ "
NP = "http://www.nanopub.org/nschema#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _nanopub(values: list[NamedNode | Literal]) -> list[Quad]:
    this, head = NamedNode(BASE), NamedNode(BASE + "#head")
    assertion, provenance, pubinfo = (NamedNode(BASE + f"#{part}") for part in ("assertion", "provenance", "pubinfo"))
    thing, label = NamedNode("https://example.org/thing"), NamedNode("https://example.org/p")
    quads = [Quad(head, this, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  NamedNode(NP + "Nanopublication")),
             Quad(head, this, NamedNode(NP + "hasAssertion"), assertion),
             Quad(head, this, NamedNode(NP + "hasProvenance"), provenance),
             Quad(head, this, NamedNode(NP + "hasPublicationInfo"), pubinfo),
             Quad(provenance, assertion, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), thing),
             Quad(pubinfo, this, NamedNode("http://purl.org/dc/terms/created"),
                  Literal("2026-11-24T00:00:00Z", XSD + "dateTime"))]
    quads += [Quad(assertion, thing, label, value) for value in values]
    quads.append(quads[-1])  # a duplicate counts once
    return quads


#: What the tools agree on: escapes, a language tag in capitals, IRIs and literals of one subject and predicate,
#: several values of one datatype (bytes of UTF-8), a duplicate.
AGREED: list[NamedNode | Literal] = [
    Literal('two\nlines, a back\\slash and "quotes"'), Literal("Ä umlaut"), Literal("Z"), Literal("10"),
    NamedNode("https://example.org/z"), NamedNode("https://example.org/a")]
#: Literals of several datatypes and languages for one subject and predicate, on which the tools differ.
MIXED: list[NamedNode | Literal] = [
    Literal("Kopfschmerz", language="DE-at"), Literal("10", XSD + "integer"), Literal("10"),
    Literal("10", XSD + "decimal"), Literal("11", language="en"), Literal("Z")]


def _written(quads: list[Quad], code: str, path: Path) -> Path:
    final = replace_code(quads, code)
    final = replace_code(quads, code)

    def term(t: NamedNode | Literal) -> ox.NamedNode | ox.Literal:
        if isinstance(t, NamedNode):
            return ox.NamedNode(t.value)
        return ox.Literal(t.value, language=t.language) if t.language else ox.Literal(t.value,
                                                                                      datatype=ox.NamedNode(t.datatype))

    made = [ox.Quad(term(q.subject), term(q.predicate), term(q.object), term(q.graph)) for q in final]
    path.write_bytes(ox.serialize(made, format=ox.RdfFormat.TRIG))
    return path


def _objects(quads: list[Quad]) -> list[str]:
    lines = normal_form(quads).splitlines()
    return [lines[i + 3] for i in range(0, len(lines), 4) if lines[i] == BASE + "#assertion"]


def _rust_code(quads: list[Quad]) -> str:
    """Return the code of the normal form with literal objects ordered as the Rust toolkit orders them: typed
    before language-tagged, then by datatype (or language), then by value."""
    def order(quad: Quad) -> tuple[bytes, ...]:
        o = quad.object
        if isinstance(o, NamedNode):
            return quad.graph.value.encode(), quad.subject.value.encode(), quad.predicate.value.encode(), b"0", \
                o.value.encode()
        kind = b"2" + (o.language or "").lower().encode() if o.language else b"1" + o.datatype.encode()
        return (quad.graph.value.encode(), quad.subject.value.encode(), quad.predicate.value.encode(), kind,
                o.value.encode())

    text = "".join(normal_form([quad]) for quad in sorted(set(quads), key=order))
    return "RA" + base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode()[:-1]


def test_where_the_tools_agree_both_check_our_code(tmp_path: Path) -> None:
    quads = _nanopub(AGREED)
    code = artifact_code(quads)
    verdict = _check(_written(quads, code, tmp_path / "test.trig"))["test.trig"]
    assert normal_form(quads) == verdict["python"]["normal_form"]
    assert verdict["python"]["trusty"] is True
    assert verdict["rust"]["printed"] == [f"✅ Nanopub https://example.org/np/test/{code} is valid: 1 trusty "
                                          "without signature"]
    assert _objects(quads) == [
        "https://example.org/a", "https://example.org/z",  # IRIs before literals
        f"^{XSD}string 10", f"^{XSD}string Z", f'^{XSD}string two\\nlines, a back\\\\slash and "quotes"',
        f"^{XSD}string Ä umlaut"]  # values compared as UTF-8 bytes


def test_the_tools_differ_on_literals_of_several_datatypes_for_one_subject_and_predicate(tmp_path: Path,
                                                                                        store: ox.Store) -> None:
    """nanopub-py, as trustyuri-java which it ports, orders literals by value, then datatype, language-tagged
    first; the Rust toolkit by kind (typed first), datatype, then value. The export follows the reference
    implementation. No nanopublication of the corpus has literals of several datatypes or languages for one
    subject and predicate in one graph, so all of them pass both tools."""
    quads = _nanopub(MIXED)
    code = artifact_code(quads)
    verdict = _check(_written(quads, code, tmp_path / "test.trig"))["test.trig"]
    assert normal_form(quads) == verdict["python"]["normal_form"]
    assert verdict["python"]["trusty"] is True
    assert _objects(quads) == [
        f"^{XSD}decimal 10", f"^{XSD}integer 10", f"^{XSD}string 10", "@en 11", "@de-at Kopfschmerz",
        f"^{XSD}string Z"]
    assert verdict["rust"]["error"] == ("Error checking: Invalid Nanopub: the hash of the nanopublication is "
                                        f"different than the expected hash \n{code}\n{_rust_code(quads)}")
    kinds: dict[tuple[str, str, str], set[str]] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        if not isinstance(q.graph_name, ox.DefaultGraph) and isinstance(q.object, ox.Literal):
            kind = q.object.language or q.object.datatype.value
            kinds.setdefault((str(q.graph_name), str(q.subject), str(q.predicate)), set()).add(kind)
    assert [key for key, found in kinds.items() if len(found) > 1] == []
