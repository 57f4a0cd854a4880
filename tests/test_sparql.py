"""`kg query` and the SPARQL engine: parameters as terms, formats, limits, timeouts and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.errors import QueryError
from kg.sparql import OxigraphBackend, RdflibBackend, parse_query, parse_value, run
from kg.sparql.binding import with_values
from kg.store import canonical_nquads, open_store

CEKG = "PREFIX cekg: <https://w3id.org/cekg/vocab#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ADVERSE = CEKG + """SELECT ?drug ?label WHERE {
  ?c cekg:category cekg:AdverseEffect ; cekg:subject ?drug ; cekg:predicate cekg:hasAdverseEffect ; cekg:object ?e ;
     cekg:assertedBy ?doc .
  ?e rdfs:label ?label .
} ORDER BY ?label"""


def _kg(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=timeout)


def test_parameter_is_bound_as_a_term(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--store", str(built_store), "-e", ADVERSE, "-p", "drug=CHEBI:6121", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "drug,label"
    assert [line.split(",")[1] for line in lines[1:]] == [
        "elevated blood pressure", "elevated pulse", "emergence reaction", "hallucinations",
        "lowered seizure threshold", "nausea", "vomiting"]
    assert {line.split(",")[0] for line in lines[1:]} == {"http://purl.obolibrary.org/obo/CHEBI_6121"}


def test_json_output_is_sparql_results_json(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--store", str(built_store), "-e", ADVERSE, "-p", "drug=<http://purl.obolibrary.org/obo/"
                 "CHEBI_6121>", "--format", "json", "--limit", "1"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document == {"head": {"vars": ["drug", "label"]}, "results": {"bindings": [{
        "drug": {"type": "uri", "value": "http://purl.obolibrary.org/obo/CHEBI_6121"},
        "label": {"type": "literal", "value": "elevated blood pressure"}}]}}
    assert "cut at 1 rows" in captured.err and "raise --limit" in captured.err


def test_tsv_and_table_outputs(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--store", str(built_store), "-e", ADVERSE, "--format", "tsv", "--limit", "2"]) == 0
    tsv = capsys.readouterr().out.splitlines()
    assert tsv == ["?drug\t?label", '<http://purl.obolibrary.org/obo/CHEBI_6121>\t"elevated blood pressure"',
                   '<http://purl.obolibrary.org/obo/CHEBI_6121>\t"elevated pulse"']
    assert main(["query", "--store", str(built_store), "-e", ADVERSE, "--limit", "1"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["drug", "|", "label"]
    assert table[2].strip().split(" | ") == ["CHEBI:6121", "elevated blood pressure"]
    assert table[1].index("+") == table[0].index("|")


def test_ask_and_construct(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--store", str(built_store), "-e",
                 CEKG + "ASK { ?c cekg:polarity cekg:Negated }"]) == 0
    assert capsys.readouterr().out == "true\n"
    construct = CEKG + "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?c cekg:category cekg:AdverseEffect ; " \
                       "cekg:assertedBy ?d ; cekg:object ?e . ?e rdfs:label ?l . ?d <http://purl.org/dc/terms/" \
                       "identifier> \"ketamine-migraine-article\" }"
    for fmt, parse_format in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                              ("jsonld", ox.RdfFormat.JSON_LD)):
        assert main(["query", "--store", str(built_store), "-e", construct, "--format", fmt]) == 0
        triples = list(ox.parse(capsys.readouterr().out.encode(), format=parse_format))
        assert sorted(t.object.value for t in triples) == ["hallucinations", "nausea", "vomiting"]


@pytest.mark.parametrize(("query", "fmt", "form", "fitting"), [
    ("prevalence", "turtle", "a SELECT", "table, csv, tsv, json, xml"),
    ("entity-graph", "csv", "a CONSTRUCT", "turtle, ntriples, jsonld"),
])
def test_a_format_that_does_not_fit_the_query_form_is_an_error(
    built_store: Path, query: str, fmt: str, form: str, fitting: str
) -> None:
    # Regression: `kg query prevalence --format turtle` used to print a table instead.
    done = _kg("query", query, "--store", str(built_store), "--format", fmt)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr == (f"Error: {query} is {form} query: its answer cannot be written as {fmt}; the formats "
                           f"that fit are {fitting}\n")


def test_syntax_error_gives_line_and_column(built_store: Path) -> None:
    done = _kg("query", "--store", str(built_store), "-e", "SELECT ?s\nWHERE { ?s ?p }")
    assert done.returncode == 2
    assert done.stderr == "Error: syntax error in the -e query at line 2, column 9: unexpected '?'\n"
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_syntax_error_in_a_query_file_counts_its_header_lines(built_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\n# summary: a typo on line 4\nSELECT ?s WHERE {\n  ?s ?p ?o ) .\n}\n")
    done = _kg("query", "--store", str(built_store), str(path))
    assert done.returncode == 2
    assert "syntax error in broken at line 4" in done.stderr


def test_unknown_query_name_suggests_close_names(tmp_path: Path) -> None:
    library = tmp_path / "queries"
    library.mkdir()
    for name in ("adverse-effects", "prevalence", "efficacy"):
        (library / f"{name}.rq").write_text(f"# title: {name}\nSELECT * WHERE {{ ?s ?p ?o }}\n")
    from kg.errors import NotFoundError
    from kg.sparql import find_query, load_library

    with pytest.raises(NotFoundError, match="did you mean adverse-effects"):
        find_query("adverse-effect", load_library(library))
    with pytest.raises(NotFoundError, match="list them with `kg queries`"):
        find_query("zzzz", load_library(library))


def test_missing_and_extra_parameters_are_named(store: ox.Store) -> None:
    info = parse_query("# title: t\n# param: entity iri required -- the entity\n" + CEKG +
                       "SELECT ?entity ?c WHERE { ?c cekg:subject ?entity }", name="entity-claims")
    with pytest.raises(QueryError, match="entity-claims needs the parameter entity: pass -p entity=VALUE"):
        run(info, OxigraphBackend(store), {})
    with pytest.raises(QueryError, match="entity-claims has no parameter 'drug'; its parameters are: entity"):
        run(info, OxigraphBackend(store), {"entity": "CHEBI:6121", "drug": "CHEBI:6121"})
    result = run(info, OxigraphBackend(store), {"entity": "ent:high-cost"})
    assert len(result.rows) == 0
    result = run(info, OxigraphBackend(store), {"entity": "ent:over-the-counter-medication"})
    assert len(result.rows) == 1


@pytest.mark.parametrize(("value", "kind", "message"), [
    ("FOO:1", "iri", "unknown prefix 'FOO'"),
    ("<http://exa mple.org/>", "iri", "malformed IRI"),
    ("nonsense", "iri", "neither a CURIE"),
    ("12x", "integer", "not a valid integer"),
    ("2023-13", "date", "not a valid date"),
])
def test_invalid_parameter_values_are_refused(value: str, kind: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_value(value, kind, name="p")


def test_values_are_read_as_terms() -> None:
    assert parse_value("CHEBI:6121") == ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_6121")
    assert parse_value('"migraine"@en') == ox.Literal("migraine", language="en")
    assert parse_value("42") == ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert parse_value("plain words") == ox.Literal("plain words")
    assert parse_value('say "hi"', "string") == ox.Literal('say "hi"')


@pytest.mark.parametrize("payload", ['"} ; DROP ALL ; #', "x\" } } ; CLEAR DEFAULT ; SELECT * { ?s ?p ?o } #",
                                     "line\nbreak } {", "<http://evil> } ."])
def test_injection_attempts_are_only_terms(built_store: Path, payload: str, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    with open_store(built_store) as store:
        before = canonical_nquads(store)
    query = CEKG + "SELECT ?c ?quote WHERE { ?c cekg:anchor/<http://www.w3.org/ns/oa#hasSelector>/" \
                   "<http://www.w3.org/ns/oa#exact> ?quote }"
    assert main(["query", "--store", str(built_store), "-e", query, "-p", f"quote={payload}", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"] == []
    # Remote endpoints get the value in a VALUES clause written by the serialiser: still one term.
    text = with_values("SELECT ?quote WHERE { ?s ?p ?quote }", {"quote": ox.Literal(payload)})
    parsed = list(ox.Store().query(text))
    assert parsed == []
    with open_store(built_store) as store:
        assert canonical_nquads(store) == before


def test_a_query_past_its_timeout_stops_with_a_message(built_store: Path) -> None:
    started = time.monotonic()
    done = _kg("query", "--store", str(built_store), "--timeout", "0.5", "-e",
               "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
    assert time.monotonic() - started < 20
    assert done.returncode == 2
    assert done.stderr == ("Error: the -e query ran past the time limit of 0.5 s: raise --timeout, add a LIMIT, or "
                           "narrow it with parameters\n")


def test_binding_a_variable_the_query_does_not_select(built_store: Path) -> None:
    done = _kg("query", "--store", str(built_store), "-e", "SELECT ?s WHERE { ?s ?p ?v }", "-p", "v=1")
    assert done.returncode == 2
    assert "cannot bind ?v" in done.stderr and "add ?v to SELECT" in done.stderr


def test_both_engines_answer_alike_on_ad_hoc_queries(store: ox.Store) -> None:
    rdflib_backend = RdflibBackend.from_store(store)
    for text, params in ((ADVERSE, {"drug": "CHEBI:6121"}), (ADVERSE, {}),
                         (CEKG + "SELECT ?cat (COUNT(?c) AS ?n) WHERE { ?c cekg:category ?cat } GROUP BY ?cat "
                                 "ORDER BY ?cat", {})):
        info = parse_query(text)
        assert run(info, OxigraphBackend(store), params).rows == run(info, rdflib_backend, params).rows


def test_python_api_rows_and_dataframe(built_store: Path) -> None:
    from kg.api import Graph

    with Graph.open(built_store) as graph:
        result = graph.query(ADVERSE, drug="CHEBI:6121")
        frame = result.to_dataframe()
    assert list(frame.columns) == ["drug", "label"]
    assert frame["label"].tolist()[:2] == ["elevated blood pressure", "elevated pulse"]
    assert result.values()[0] == {"drug": "http://purl.obolibrary.org/obo/CHEBI_6121",
                                  "label": "elevated blood pressure"}


def test_python_api_without_a_store_says_to_build(tmp_path: Path) -> None:
    from kg.api import Graph
    from kg.errors import NotFoundError

    with pytest.raises(NotFoundError, match="run `kg build`"):
        Graph.open(tmp_path / "missing")


def test_unknown_prefix_in_a_query_is_named(built_store: Path) -> None:
    done = _kg("query", "--store", str(built_store), "-e", "SELECT ?s WHERE {\n  ?s foo:bar ?o }")
    assert done.returncode == 2
    assert done.stderr == ("Error: syntax error in the -e query at line 2, column 13: unknown prefix 'foo': declare it "
                           "with PREFIX foo: <IRI>\n")


def test_values_open_the_subquery_that_is_the_whole_where_group() -> None:
    drug = {"d": ox.NamedNode("http://example.org/d")}
    grouped = "SELECT ?d ?n WHERE { { SELECT ?d (COUNT(?c) AS ?n) WHERE { ?c ?p ?d } GROUP BY ?d } } ORDER BY ?n"
    assert with_values(grouped, drug) == ("SELECT ?d ?n WHERE { { SELECT ?d (COUNT(?c) AS ?n) WHERE { VALUES (?d) "
                                          "{ (<http://example.org/d>) }  ?c ?p ?d } GROUP BY ?d } } ORDER BY ?n")
    # Not selected as a plain variable by the subquery, or not alone in the group: the outer group.
    renamed = "SELECT ?d WHERE { { SELECT (SAMPLE(?x) AS ?d) WHERE { ?c ?p ?x } } }"
    assert with_values(renamed, drug).startswith("SELECT ?d WHERE { VALUES (?d) ")
    beside = "SELECT ?d ?n WHERE { { SELECT ?d (COUNT(?c) AS ?n) WHERE { ?c ?p ?d } GROUP BY ?d } ?d ?q ?n }"
    assert with_values(beside, drug).startswith("SELECT ?d ?n WHERE { VALUES (?d) ")


def test_a_query_failing_in_its_time_limited_thread_is_one_line(built_store: Path) -> None:
    # The failure is raised in the thread that runs the query; what the query made must be dropped there, or
    # Oxigraph reports it as dropped on another thread, after the message.
    run = _kg("query", "--store", str(built_store), "--timeout", "30", "-e",
              "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    assert run.returncode == 2
    assert run.stderr == "Error: The port 1 is not allowed for HTTP(S) because it is dedicated to an other use\n"


def test_an_rdflib_engine_failure_is_one_line_and_exit_2(built_store: Path, capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    query = "SELECT (SUM(?o) AS ?t) WHERE { ?s <http://purl.org/dc/terms/identifier> ?o }"
    assert main(["query", "--store", str(built_store), "--backend", "rdflib", "-e", query]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: rdflib's SPARQL engine could not run the -e query: ")
    assert err.endswith("does not have a numeric datatype! (the default engine, Oxigraph, may run it)\n")
    assert err.count("\n") == 1


def test_xml_output_is_sparql_results_xml_with_the_same_answers(built_store: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "adverse-effects", "--store", str(built_store), "-p", "drug=CHEBI:6121",
                 "--format", "xml"]) == 0
    parsed = ox.parse_query_results(capsys.readouterr().out.encode("utf-8"), format=ox.QueryResultsFormat.XML)
    variables = [v.value for v in parsed.variables]
    from_xml = [[solution[v] for v in variables] for solution in parsed]
    assert main(["query", "adverse-effects", "--store", str(built_store), "-p", "drug=CHEBI:6121",
                 "--format", "json"]) == 0
    parsed_json = ox.parse_query_results(capsys.readouterr().out.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    assert [v.value for v in parsed_json.variables] == variables
    assert from_xml == [[solution[v] for v in variables] for solution in parsed_json]
    assert len(from_xml) == 9 and ox.Literal("elevated blood pressure") in [r[3] for r in from_xml]


def test_a_table_says_when_it_cuts_values_and_wide_shows_them_whole(built_store: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    query = ("SELECT DISTINCT ?quote WHERE { ?s <http://www.w3.org/ns/oa#exact> ?quote "
             "FILTER(STRSTARTS(?quote, 'A study conducted by the National Institute')) }")
    whole = ("A study conducted by the National Institute of Mental Health suggests that ketamine infusion therapy "
             "may significantly reduce the frequency and severity of chronic migraines.")
    assert main(["query", "--store", str(built_store), "-e", query]) == 0
    out, err = capsys.readouterr()
    assert f" {whole[:59]}…\n" in out and whole not in out
    assert err == ("Note: 1 value longer than 60 characters was cut with …: add --wide, or use --format csv or json "
                   "for whole values\n")
    assert main(["query", "--store", str(built_store), "-e", query, "--wide"]) == 0
    out, err = capsys.readouterr()
    assert f" {whole}\n" in out and err == ""
