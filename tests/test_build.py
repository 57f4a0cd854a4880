"""The build: both views of every claim, determinism, idempotence, and exports that parse back."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg import store as store_module
from kg.build import claim_ids, corpus_nquads, corpus_quads
from kg.cli import main
from kg.corpus import Corpus
from kg.export import ExportFormat, export
from kg.iris import expand
from kg.store import canonical_nquads, load_store, open_store, write_store

from .rdfcompare import assert_same_quads, oxigraph_keys, rdflib_keys

CEKG = "https://w3id.org/cekg/vocab#"
PREFIXES = f"PREFIX cekg: <{CEKG}> PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX np: <http://www.nanopub.org/nschema#>"


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    results = store.query(PREFIXES + " " + query)
    variables = [v.value for v in results.variables]
    return [{name: row[name].value for name in variables if row[name] is not None} for row in results]


def test_every_claim_has_a_statement_node_and_a_nanopublication(store: ox.Store, corpus: Corpus) -> None:
    claims = _select(store, "SELECT ?c WHERE { ?c a cekg:Claim }")
    assert len(claims) == len(corpus.claims) == 69
    nanopubs = _select(store, """
        SELECT ?np ?a ?p ?i WHERE { GRAPH ?h { ?np a np:Nanopublication ; np:hasAssertion ?a ;
                                                 np:hasProvenance ?p ; np:hasPublicationInfo ?i } }""")
    assert len(nanopubs) == 69
    graphs = {g.value for g in store.named_graphs()}
    for row in nanopubs:
        assert {row["np"] + "/head", row["a"], row["p"], row["i"]} <= graphs


def test_nanopublication_holds_the_claim_and_its_provenance(store: ox.Store, corpus: Corpus) -> None:
    iri = claim_ids(corpus)["article-efficacy-frequency"]
    rows = _select(store, f"""
        SELECT ?modality ?attributed ?doc ?exact WHERE {{
          <{iri}> cekg:nanopublication ?np .
          GRAPH ?head {{ ?np np:hasAssertion ?a ; np:hasProvenance ?p }}
          GRAPH ?a {{ <{iri}> cekg:modality ?modality ; cekg:attributedTo ?attributed }}
          GRAPH ?p {{ ?a <http://www.w3.org/ns/prov#wasQuotedFrom> ?doc ;
                        <http://www.w3.org/ns/prov#wasDerivedFrom> ?anchor .
                     ?anchor oa:hasSelector ?s . ?s oa:exact ?exact }}
        }}""")
    assert rows == [{
        "modality": CEKG + "Hedged",
        "attributed": "https://ror.org/04xeg9z08",
        "doc": "https://w3id.org/cekg/id/doc/f46061e3a725747d",
        "exact": "A study conducted by the National Institute of Mental Health suggests that ketamine infusion "
                 "therapy may significantly reduce the frequency and severity of chronic migraines.",
    }]


def test_affirmed_claims_get_a_direct_edge_and_negated_ones_never(store: ox.Store) -> None:
    assert store.query(f"ASK {{ <{expand('CHEBI:6121')}> <{CEKG}hasAdverseEffect> <{expand('HP:0002018')}> }}")
    # Only negated claims say ketamine is covered by insurance or indicated for chronic migraine.
    assert not store.query(f"ASK {{ <{expand('CHEBI:6121')}> <{CEKG}coveredBy> ?x }}")
    assert not store.query(
        f"ASK {{ <{expand('CHEBI:6121')}> <{CEKG}indicatedFor> <{expand('ent:chronic-migraine')}> }}")
    negated_edges = _select(store, """
        SELECT ?c WHERE { ?c cekg:polarity cekg:Negated ; cekg:subject ?s ; cekg:predicate ?p ; cekg:object ?o .
                          ?s ?p ?o .
                          FILTER NOT EXISTS { ?other cekg:polarity cekg:Affirmed ; cekg:subject ?s ;
                                                     cekg:predicate ?p ; cekg:object ?o } }""")
    assert negated_edges == []


def test_prevalence_quantity_in_the_store(store: ox.Store) -> None:
    rows = _select(store, """
        SELECT ?value ?bound ?place ?who ?whoLabel WHERE {
          ?c cekg:category cekg:Prevalence ; cekg:quantity ?q ; cekg:attributedTo ?who .
          ?who <http://www.w3.org/2000/01/rdf-schema#label> ?whoLabel .
          ?q cekg:value ?value ; cekg:bound ?bound ; cekg:place ?place }""")
    assert rows == [{"value": "39000000", "bound": CEKG + "BoundOver", "place": "http://www.wikidata.org/entity/Q30",
                     "who": "https://w3id.org/cekg/id/entity/migraine-research-foundation",
                     "whoLabel": "Migraine Research Foundation"}]


def test_anchor_selectors_in_the_store(store: ox.Store, corpus: Corpus) -> None:
    rows = _select(store, """
        SELECT ?id ?exact ?start ?end ?sha WHERE {
          ?c <http://purl.org/dc/terms/identifier> ?id ; cekg:anchor ?a .
          ?a cekg:sourceSha256 ?sha ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""")
    assert len(rows) == 69
    texts = {d.sha256: d.text for d in corpus.documents.values()}
    for row in rows:
        assert texts[row["sha"]][int(row["start"]): int(row["end"])] == row["exact"], row["id"]


def test_two_builds_give_byte_identical_canonical_nquads(tmp_path: Path, corpus: Corpus) -> None:
    outputs = []
    for name in ("one", "two"):
        write_store(tmp_path / name, corpus_quads(corpus))
        with open_store(tmp_path / name) as store:
            outputs.append(canonical_nquads(store))
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") > 5000


def test_building_twice_into_the_same_store_changes_nothing(tmp_path: Path) -> None:
    from .conftest import DATA

    store_dir = tmp_path / "store"
    assert main(["build", "--data", str(DATA), "--store", str(store_dir)]) == 0
    with open_store(store_dir) as store:
        first = canonical_nquads(store)
    assert main(["build", "--data", str(DATA), "--store", str(store_dir)]) == 0
    with open_store(store_dir) as store:
        assert canonical_nquads(store) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


WHOLE_DATASET = [ExportFormat.TRIG, ExportFormat.NQUADS]


@pytest.mark.parametrize("fmt", WHOLE_DATASET)
def test_export_parses_back_isomorphic_in_pyoxigraph_and_rdflib(
    tmp_path: Path, built_store: Path, store: ox.Store, fmt: ExportFormat
) -> None:
    out = tmp_path / f"graph.{fmt.value}"
    assert main(["export", "--store", str(built_store), "--format", fmt.value, "--out", str(out)]) == 0
    expected = oxigraph_keys(store.quads_for_pattern(None, None, None, None))

    with out.open("rb") as handle:
        parsed = list(ox.parse(handle, format=ox.RdfFormat.TRIG if fmt is ExportFormat.TRIG else ox.RdfFormat.N_QUADS))
    assert_same_quads(expected, oxigraph_keys(parsed))

    dataset = rdflib.Dataset()
    dataset.parse(out, format="trig" if fmt is ExportFormat.TRIG else "nquads")
    assert_same_quads(expected, rdflib_keys(dataset))


def test_export_is_deterministic(tmp_path: Path, store: ox.Store) -> None:
    for fmt in WHOLE_DATASET:
        first, second = io.BytesIO(), io.BytesIO()
        export(store, fmt, first)
        export(store, fmt, second)
        assert first.getvalue() == second.getvalue()


def test_stats_counts(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["stats", "--store", str(built_store), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 3
    assert stats["claims"] == 69
    assert stats["nanopublications"] == 69
    assert stats["named_graphs"] == 69 * 4
    assert sum(stats["category"].values()) == 69
    assert stats["category"] == {
        "access-and-cost": 8, "adverse-effect": 9, "efficacy": 14, "history": 3, "indication": 11, "mechanism": 4,
        "presentation": 2, "prevalence": 1, "regulatory-status": 10, "research-status": 7,
    }
    assert stats["modality"] == {"asserted": 53, "hedged": 12, "speculative": 4}
    assert stats["polarity"] == {"affirmed": 55, "negated": 14}
    assert stats["citationStatus"] == {"named-unreferenced": 11, "none": 58}
    assert sum(stats["modality"].values()) == 69
    assert sum(stats["citationStatus"].values()) == 69


def test_loading_in_many_batches_gives_the_same_store(
    tmp_path: Path, corpus: Corpus, built_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "LOAD_BATCH_BYTES", 4096)  # one bulk load per few lines
    load_store(tmp_path / "store", corpus_nquads(corpus))
    with open_store(tmp_path / "store") as batched, open_store(built_store) as whole:
        assert canonical_nquads(batched) == canonical_nquads(whole)


def test_a_failure_while_making_the_quads_leaves_the_previous_store(tmp_path: Path, corpus: Corpus) -> None:
    store_dir = tmp_path / "store"
    load_store(store_dir, corpus_nquads(corpus))
    with open_store(store_dir) as store:
        before = canonical_nquads(store)

    def failing() -> Iterator[bytes]:
        yield from itertools.islice(corpus_nquads(corpus), 2)
        raise ValueError("made up")

    with pytest.raises(ValueError, match="made up"):
        load_store(store_dir, failing())
    with open_store(store_dir) as store:
        assert canonical_nquads(store) == before
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


def test_bad_nquads_are_refused_and_leave_the_previous_store(tmp_path: Path, corpus: Corpus) -> None:
    store_dir = tmp_path / "store"
    load_store(store_dir, corpus_nquads(corpus))
    with open_store(store_dir) as store:
        before = canonical_nquads(store)

    with pytest.raises(SyntaxError):
        load_store(store_dir, [b"<https://example.org/s> <https://example.org/p> .\n"])
    with open_store(store_dir) as store:
        assert canonical_nquads(store) == before
    assert [p.name for p in tmp_path.iterdir()] == ["store"]
