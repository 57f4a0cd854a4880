"""The SPARQL query library (``queries/*.rq``): headers, exact answers on the bundled corpus, and portability.

Each query's answer is checked row by row against what the curated claims files say. Every query also runs, with
its parameters bound and (when they are optional) unbound, on the embedded Oxigraph store, on rdflib's SPARQL
engine over the same quads, with its parameters in a trailing ``VALUES`` clause (as sent to remote endpoints), and
on rdflib with the default graph read as the union of all graphs (as some servers do): all must give the same rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import claim_ids
from kg.corpus import Corpus
from kg.iris import document_iri, expand
from kg.sparql.binding import with_values
from kg.sparql.terms import from_rdflib
from kg.store import open_store
from kg.vocab import Polarity

QUERIES = Path(__file__).resolve().parent.parent / "queries"
LIBRARY = sorted(path.stem for path in QUERIES.glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"
CEKG = "https://w3id.org/cekg/vocab#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PARAM_TYPES = {"iri", "string", "integer", "decimal", "date", "boolean"}

KETAMINE = expand("CHEBI:6121")
MIGRAINE = expand("MONDO:0005277")
CHRONIC_MIGRAINE = expand("ent:chronic-migraine")
NIMH = expand("ror:04xeg9z08")
ARTICLE = "ketamine-migraine-article"
LABEL = "fda-label-ketamine-injection"
APPEAL = "ny-dfs-appeal-202308-166215"

Row = dict[str, Any]


# --- reading the headers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool


@dataclass(frozen=True)
class Header:
    title: str
    summary: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]


_FIELD = re.compile(r"^# (title|summary|param|column): (.+)$")
_PARAM = re.compile(r"^(\w+) (\w+)(?: (required|optional))? -- .+$")
_COLUMN = re.compile(r"^(\w+) -- .+$")


def read_header(text: str) -> Header:
    """Parse the comment header that precedes the first PREFIX, failing on any line outside the grammar."""
    fields: dict[str, list[str]] = {"title": [], "summary": [], "param": [], "column": []}
    current = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _FIELD.match(line)
        if match:
            current = match.group(1)
            fields[current].append(match.group(2))
        elif line.startswith("#   ") and line[4:].strip() and current:
            fields[current][-1] += " " + line[4:].strip()
        else:
            raise AssertionError(f"header line outside the grammar: {line!r}")
    params = []
    for spec in fields["param"]:
        match = _PARAM.match(spec)
        assert match, f"malformed param line: {spec!r}"
        params.append(Param(match.group(1), match.group(2), match.group(3) == "required"))
    columns = []
    for spec in fields["column"]:
        match = _COLUMN.match(spec)
        assert match, f"malformed column line: {spec!r}"
        columns.append(match.group(1))
    assert len(fields["title"]) == 1 and len(fields["summary"]) == 1, "one title and one summary"
    return Header(fields["title"][0], fields["summary"][0], tuple(params), tuple(columns))


def query_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def concatenated_columns(text: str) -> dict[str, str]:
    """Return the columns built with GROUP_CONCAT, with their separators: their order of parts is not fixed."""
    pattern = r'GROUP_CONCAT\((?:[^;]|;(?!\s*separator))*;\s*separator\s*=\s*"([^"]*)"\)\s+AS\s+\?(\w+)'
    return {column: separator for separator, column in re.findall(pattern, text, flags=re.IGNORECASE)}


# --- running a query everywhere --------------------------------------------------------------------------------


def _ox_key(term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        datatype = term.datatype.value
        return f'"{term.value}"' if datatype == XSD + "string" else f'"{term.value}"^^<{datatype}>'
    raise AssertionError(f"unexpected term in a result: {term!r}")


def _rdflib_key(term: Any) -> str | None:
    return _ox_key(from_rdflib(term))


def _unordered(value: str | None, separator: str) -> str | None:
    """Put the parts of a GROUP_CONCAT literal in a fixed order, keeping the literal's form."""
    if value is None:
        return None
    match = re.fullmatch(r'"(.*)"((?:\^\^<[^>]+>|@[\w-]+)?)', value, flags=re.DOTALL)
    assert match, value
    return '"' + separator.join(sorted(match.group(1).split(separator))) + '"' + match.group(2)


@dataclass
class Answer:
    """A query's answer as comparable strings: SELECT rows in order, or a CONSTRUCT graph as a set."""

    variables: list[str]
    rows: list[tuple[str | None, ...]]
    triples: set[tuple[str | None, str | None, str | None]]

    def normalised(self, concatenated: Mapping[str, str]) -> Answer:
        rows = [tuple(_unordered(value, concatenated[v]) if v in concatenated else value
                      for v, value in zip(self.variables, row, strict=True)) for row in self.rows]
        return Answer(self.variables, rows, self.triples)


def on_oxigraph(store: ox.Store, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal], *,
                values: bool = False) -> Answer:
    """Run on Oxigraph with the parameters substituted, or sent in a trailing VALUES clause."""
    substitutions: dict[ox.Variable, Any] = {ox.Variable(k): v for k, v in bindings.items()}
    if values and bindings:
        names = sorted(bindings)
        text = (f"{text.rstrip()}\nVALUES ({' '.join('?' + n for n in names)}) "
                f"{{ ({' '.join(str(bindings[n]) for n in names)}) }}\n")
        substitutions = {}
    answer: Any = store.query(text, substitutions=substitutions)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return Answer(variables, [tuple(_ox_key(s[v]) for v in variables) for s in answer], set())
    return Answer([], [], {(_ox_key(t.subject), _ox_key(t.predicate), _ox_key(t.object)) for t in answer})


def on_rdflib(dataset: rdflib.Dataset, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> Answer:
    """Run on rdflib's engine with the parameters as initBindings."""
    init = {k: rdflib.URIRef(v.value) if isinstance(v, ox.NamedNode) else
            rdflib.Literal(v.value, datatype=None if v.datatype.value == XSD + "string" else v.datatype.value)
            for k, v in bindings.items()}
    answer: Any = dataset.query(text, initBindings=init)
    if answer.type == "SELECT":
        variables = [str(v) for v in answer.vars]
        return Answer(variables, [tuple(_rdflib_key(row[v]) for v in variables) for row in answer], set())
    return Answer([], [], {(_rdflib_key(s), _rdflib_key(p), _rdflib_key(o)) for s, p, o in answer.graph})


@pytest.fixture(scope="module")
def nquads(built_store: Path) -> str:
    with open_store(built_store) as store:
        data = ox.serialize(store.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
    return (data or b"").decode("utf-8")


@pytest.fixture(scope="module")
def dataset(nquads: str) -> rdflib.Dataset:
    """rdflib's in-memory dataset holding the same quads as the built store; its default graph is its own."""
    loaded = rdflib.Dataset()
    loaded.parse(data=nquads, format="nquads")
    return loaded


@pytest.fixture(scope="module")
def union_dataset(nquads: str) -> rdflib.Dataset:
    """The same quads in an rdflib dataset whose default graph is the union of all graphs."""
    loaded = rdflib.Dataset(default_union=True)
    loaded.parse(data=nquads, format="nquads")
    return loaded


def select(store: ox.Store, name: str, **params: str) -> list[Row]:
    """Run a library query on the built store; parameters are IRIs or CURIEs, or strings for string params."""
    text = query_text(name)
    types = {p.name: p.type for p in read_header(text).params}
    bindings = {k: ox.NamedNode(expand(v)) if types[k] == "iri" else ox.Literal(v) for k, v in params.items()}
    answer = store.query(text, substitutions={ox.Variable(k): v for k, v in bindings.items()})
    assert isinstance(answer, ox.QuerySolutions)
    variables = [v.value for v in answer.variables]
    return [{v: (None if s[v] is None else s[v].value) for v in variables} for s in answer]


def cues(value: str | None) -> set[str]:
    return set(value.split("; ")) if value else set()


def pick(rows: list[Row], *columns: str) -> list[tuple[str | None, ...]]:
    return [tuple(row[c] for c in columns) for row in rows]


def doc(corpus: Corpus, document_id: str) -> str:
    return document_iri(corpus.documents[document_id].sha256)


def assert_claims_consistent(rows: list[Row], corpus: Corpus) -> None:
    """Every row's claim node is the IRI the build gives the claim id on the same row."""
    ids = claim_ids(corpus)
    assert all(row["claim"] == ids[row["claimId"]] for row in rows)


# --- parameters used for every query ---------------------------------------------------------------------------

#: Bound examples for each query with parameters (optional ones are also tried unbound); "doc:ID" stands for the
#: IRI of the document with that id in the data folder.
EXAMPLES: dict[str, list[dict[str, str]]] = {
    "adverse-effects": [{"drug": "CHEBI:6121"}],
    "claim-provenance": [{"claimId": "article-efficacy-frequency"}],
    "document-summary": [{"document": "doc:" + APPEAL}],
    "edge-claims": [{"subject": "CHEBI:6121", "predicate": "cekg:reducesSeverityOf", "object": "ent:chronic-migraine"},
                    {"object": "ent:headache"}],
    "efficacy": [{"drug": "CHEBI:6121", "condition": "ent:chronic-migraine"}, {"condition": "MONDO:0005277"}],
    "entity-claims": [{"entity": "CHEBI:6121"}, {"entity": "wikidata:Q30"}, {"entity": "ent:chronic-migraine"}],
    "entity-graph": [{"entity": "ent:chronic-migraine"}, {"entity": "CHEBI:6121"}],
    "hedged-claims": [{"document": "doc:" + ARTICLE}],
    "mechanisms": [{"drug": "CHEBI:6121"}],
    "negated-claims": [{"document": "doc:" + ARTICLE}],
    "prevalence": [{"condition": "MONDO:0005277"}, {"condition": "ent:chronic-migraine"}],
    "promotional-links": [{"document": "doc:" + ARTICLE}, {"document": "doc:" + LABEL}],
    "regulatory-status": [{"drug": "CHEBI:6121"}, {"drug": "CHEBI:6121", "condition": "MONDO:0005277"},
                          {"condition": "ent:chronic-migraine"}],
    "supports-challenges": [{"document": "doc:" + LABEL}],
    "unreferenced-attributions": [{"agent": "ror:04xeg9z08"}],
}


def _cases() -> Iterator[Any]:
    for name in LIBRARY:
        header = read_header(query_text(name))
        if not any(p.required for p in header.params):
            yield pytest.param(name, {}, id=f"{name}-unbound")
        for example in EXAMPLES.get(name, []):
            yield pytest.param(name, example, id=f"{name}-" + ",".join(f"{k}={v}" for k, v in example.items()))


def _bind(corpus: Corpus, name: str, example: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    types = {p.name: p.type for p in read_header(query_text(name)).params}
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for key, value in example.items():
        if value.startswith("doc:"):
            bindings[key] = ox.NamedNode(doc(corpus, value[4:]))
        elif types[key] == "iri":
            bindings[key] = ox.NamedNode(expand(value))
        else:
            bindings[key] = ox.Literal(value)
    return bindings


# --- the library as a whole ------------------------------------------------------------------------------------


def test_library_holds_the_competency_queries() -> None:
    assert set(LIBRARY) >= {
        "adverse-effects", "prevalence", "mechanisms", "regulatory-status", "efficacy", "unreferenced-attributions",
        "hedged-claims", "entity-claims", "supports-challenges", "promotional-links", "document-summary",
        "entity-graph",
    }
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in LIBRARY)


@pytest.mark.parametrize("name", LIBRARY)
def test_header_documents_the_query(name: str, store: ox.Store) -> None:
    text = query_text(name)
    header = read_header(text)
    assert header.title and header.summary
    assert not re.search(r"\bSERVICE\b", re.sub(r"(?m)#.*$", "", text), flags=re.IGNORECASE)
    for param in header.params:
        assert param.type in PARAM_TYPES, f"{name}: type of {param.name}"
        assert re.search(rf"\?{param.name}\b", text), f"{name}: ?{param.name} is not in the query"
    answer = store.query(text)
    if isinstance(answer, ox.QuerySolutions):
        projected = [v.value for v in answer.variables]
        assert list(header.columns) == projected, f"{name}: columns are not the projection"
        # A parameter binds a variable the answer shows.
        assert {p.name for p in header.params} <= set(projected)
    else:
        assert not header.columns


def test_headers_parse_with_the_library_loader() -> None:
    import kg.sparql.library as library
    loaded = library.load_library(QUERIES)
    assert sorted(loaded) == LIBRARY
    for name, info in loaded.items():
        header = read_header(query_text(name))
        assert info.title == header.title and info.summary == header.summary
        assert [(p.name, p.type, p.required) for p in info.params] == [
            (p.name, p.type, p.required) for p in header.params]
        assert [column for column, _ in info.columns] == list(header.columns)


@pytest.mark.parametrize(("name", "example"), list(_cases()))
def test_same_answer_on_every_engine(name: str, example: dict[str, str], store: ox.Store, corpus: Corpus,
                                     dataset: rdflib.Dataset, union_dataset: rdflib.Dataset) -> None:
    text = query_text(name)
    concatenated = concatenated_columns(text)
    bindings = _bind(corpus, name, example)
    expected = on_oxigraph(store, text, bindings).normalised(concatenated)
    assert expected.rows or expected.triples or example, f"{name} finds nothing on the corpus"
    answers = {
        "rdflib": on_rdflib(dataset, text, bindings),
        "trailing VALUES": on_oxigraph(store, text, bindings, values=True),
        "VALUES opening the WHERE group (kg's engine)": on_oxigraph(store, with_values(text, bindings), {}),
        "rdflib, union default graph": on_rdflib(union_dataset, text, bindings),
    }
    for where, answer in answers.items():
        answer = answer.normalised(concatenated)
        assert answer.variables == expected.variables, where
        assert answer.triples == expected.triples, (where, sorted(answer.triples ^ expected.triples)[:5])
        if answer.rows != expected.rows:
            only = [r for r in answer.rows if r not in expected.rows][:3]
            missing = [r for r in expected.rows if r not in answer.rows][:3]
            raise AssertionError(f"{where} differs from Oxigraph ({len(answer.rows)} rows vs "
                                 f"{len(expected.rows)}): only there {only}; missing there {missing}")


def test_lead_runner_gives_the_same_rows(store: ox.Store, dataset: rdflib.Dataset, corpus: Corpus) -> None:
    import kg.sparql as sparql
    library = sparql.load_library(QUERIES)
    oxigraph, other = sparql.OxigraphBackend(store), sparql.RdflibBackend(dataset)
    for name in ("adverse-effects", "regulatory-status", "entity-claims"):
        params = _bind(corpus, name, EXAMPLES[name][0])
        first = sparql.run(library[name], oxigraph, params)
        second = sparql.run(library[name], other, params)
        direct = on_oxigraph(store, query_text(name), params)
        assert [tuple(_ox_key(t) for t in row) for row in first.rows] == direct.rows
        assert first.rows == second.rows


# --- each query's answer on the corpus -------------------------------------------------------------------------


def test_adverse_effects_of_ketamine(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "adverse-effects", drug="CHEBI:6121")
    label, article = doc(corpus, LABEL), doc(corpus, ARTICLE)
    have_effect = "is claimed to have the adverse effect"
    interacts = "is claimed to interact with"
    assert pick(rows, "claimId", "effect", "effectLabel", "predicateLabel", "polarity", "modality", "document") == [
        ("label-adverse-blood-pressure", expand("ent:elevated-blood-pressure"), "elevated blood pressure",
         have_effect, "affirmed", "asserted", label),
        ("label-adverse-emergence-reactions", expand("ent:emergence-reaction"), "emergence reaction", have_effect,
         "affirmed", "asserted", label),
        ("label-adverse-pulse", expand("ent:elevated-pulse"), "elevated pulse", have_effect, "affirmed", "asserted",
         label),
        ("label-interaction-aminophylline", expand("ent:aminophylline"), "aminophylline", interacts, "affirmed",
         "hedged", label),
        ("label-interaction-theophylline", expand("ent:theophylline"), "theophylline", interacts, "affirmed", "hedged",
         label),
        ("label-adverse-lowered-seizure-threshold", expand("ent:lowered-seizure-threshold"),
         "lowered seizure threshold",
         have_effect, "affirmed", "hedged", label),
        ("article-adverse-hallucinations", expand("HP:0000738"), "hallucinations", have_effect, "affirmed", "hedged",
         article),
        ("article-adverse-nausea", expand("HP:0002018"), "nausea", have_effect, "affirmed", "hedged", article),
        ("article-adverse-vomiting", expand("HP:0002013"), "vomiting", have_effect, "affirmed", "hedged", article),
    ]
    assert {row["drug"] for row in rows} == {KETAMINE} and {row["drugLabel"] for row in rows} == {"ketamine"}
    assert {row["documentTitle"] for row in rows} == {corpus.documents[LABEL].title, corpus.documents[ARTICLE].title}
    assert rows[-1]["quote"] == ("there are potential side effects associated with ketamine, including nausea, "
                                 "vomiting, and hallucinations")
    assert_claims_consistent(rows, corpus)
    assert select(store, "adverse-effects") == rows  # only ketamine has adverse effects in the corpus


def test_prevalence_of_migraine(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "prevalence", condition="MONDO:0005277")
    assert rows == [{
        "condition": MIGRAINE, "conditionLabel": "migraine disorder", "value": "39000000", "bound": "over",
        "unit": "people", "populationDescription": "individuals who experience migraines",
        "place": expand("wikidata:Q30"), "placeLabel": "United States", "year": None, "polarity": "affirmed",
        "modality": "asserted", "attributedTo": expand("ent:migraine-research-foundation"),
        "attributedToLabel": "Migraine Research Foundation", "citationStatus": "named-unreferenced",
        "quote": "According to the Migraine Research Foundation, over 39 million individuals in the United States "
                 "alone experience migraines.",
        "document": doc(corpus, ARTICLE), "documentTitle": "What is Ketamine Treatment?",
        "claim": claim_ids(corpus)["article-prevalence-us"], "claimId": "article-prevalence-us",
    }]
    answer: Any = store.query(query_text("prevalence"),
                              substitutions={ox.Variable("condition"): ox.NamedNode(MIGRAINE)})
    assert next(iter(answer))["value"].datatype == ox.NamedNode(XSD + "integer")
    assert select(store, "prevalence") == rows
    assert select(store, "prevalence", condition="ent:chronic-migraine") == []


def test_mechanisms_of_ketamine(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "mechanisms", drug="CHEBI:6121")
    assert [(r["claimId"], r["predicateLabel"], r["object"], r["conditionLabel"], r["polarity"], r["modality"],
             cues(r["cues"]), r["attributedToLabel"]) for r in rows] == [
        ("article-mechanism-not-understood", "is claimed to have an understood mechanism for", CHRONIC_MIGRAINE,
         None, "negated", "asserted", set(), None),
        ("article-mechanism-nmda-blockade", "is claimed to block", expand("GO:0017146"), "chronic migraine",
         "affirmed", "speculative", {"researchers believe", "may"}, "unnamed researchers"),
        ("article-mechanism-reduces-inflammation", "is claimed to reduce", expand("ent:inflammation"),
         "migraine disorder", "affirmed", "asserted", set(), None),
        ("article-mechanism-reduces-pain", "is claimed to reduce", expand("ent:pain"), "migraine disorder",
         "affirmed", "asserted", set(), None),
    ]
    assert rows[1]["objectLabel"] == "NMDA selective glutamate receptor complex"
    assert {r["document"] for r in rows} == {doc(corpus, ARTICLE)}
    assert_claims_consistent(rows, corpus)
    assert select(store, "mechanisms") == rows


REGULATORY_LABEL = [
    # claimId, statusLabel, value, unit, agencyLabel, jurisdictionLabel
    ("label-regulatory-schedule-iii", "Schedule III controlled substance (CIII)", None, None, None, "United States"),
    ("label-regulatory-initial-approval", None, "1970", "year", "US Food and Drug Administration", "United States"),
    ("label-strength-200mg-20ml", None, "10", "mg/mL", None, None),
    ("label-strength-500mg-10ml", None, "50", "mg/mL", None, None),
    ("label-strength-500mg-5ml", None, "100", "mg/mL", None, None),
    ("label-regulatory-experienced-physicians",
     "administration by or under the direction of experienced physicians", None, None, None, None),
    ("label-regulatory-monitor-vital-signs", "continuous monitoring of vital signs", None, None, None, None),
    ("label-regulatory-airway-equipment", "emergency airway equipment immediately available", None, None, None, None),
]
REGULATORY_APPEAL = ("appeal-regulatory-denial-upheld", "health insurance coverage", None, None,
                     "New York State Department of Financial Services", "New York State")
REGULATORY_ARTICLE = ("article-regulatory-off-label", "off-label use", None, None, "US Food and Drug Administration",
                      "United States")
REGULATORY_COLUMNS = ("claimId", "statusLabel", "value", "unit", "agencyLabel", "jurisdictionLabel")


def test_regulatory_status_of_ketamine(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "regulatory-status", drug="CHEBI:6121")
    assert pick(rows, *REGULATORY_COLUMNS) == [*REGULATORY_LABEL, REGULATORY_APPEAL, REGULATORY_ARTICLE]
    assert pick(rows, "claimId", "condition", "conditionSpecific", "polarity") == [
        *[(row[0], None, "false", "affirmed") for row in REGULATORY_LABEL],
        ("appeal-regulatory-denial-upheld", CHRONIC_MIGRAINE, "true", "negated"),
        ("article-regulatory-off-label", MIGRAINE, "true", "affirmed"),
    ]
    assert rows[-1]["predicateLabel"] == "is claimed to have the regulatory status"
    assert rows[1]["predicateLabel"] == "is claimed to have been first approved in"
    assert_claims_consistent(rows, corpus)
    assert select(store, "regulatory-status") == rows


def test_regulatory_status_for_a_condition_keeps_the_general_claims(store: ox.Store) -> None:
    rows = select(store, "regulatory-status", drug="CHEBI:6121", condition="MONDO:0005277")
    assert pick(rows, *REGULATORY_COLUMNS) == [*REGULATORY_LABEL, REGULATORY_ARTICLE]
    assert pick(rows, "condition", "conditionLabel", "conditionSpecific") == [
        *[(MIGRAINE, None, "false")] * len(REGULATORY_LABEL), (MIGRAINE, "migraine disorder", "true")]
    rows = select(store, "regulatory-status", condition="ent:chronic-migraine")
    assert pick(rows, *REGULATORY_COLUMNS) == [*REGULATORY_LABEL, REGULATORY_APPEAL]
    assert rows[-1]["conditionLabel"] == "chronic migraine" and rows[-1]["conditionSpecific"] == "true"


def test_efficacy_of_ketamine_for_chronic_migraine(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "efficacy", drug="CHEBI:6121", condition="ent:chronic-migraine")
    case_series = expand("ent:case-series-iv-ketamine-chronic-migraine")
    ndph_study = expand("ent:study-ketamine-chronic-migraine-ndph")
    assert pick(rows, "claimId", "predicateLabel", "object", "polarity", "modality", "attributedTo",
                "citationStatus") == [
        ("appeal-efficacy-controlled-studies-lacking", "is claimed to have evidence of efficacy for", CHRONIC_MIGRAINE,
         "negated", "asserted", None, "none"),
        ("appeal-efficacy-case-series", "is claimed to reduce the severity of", CHRONIC_MIGRAINE, "affirmed",
         "asserted", case_series, "named-unreferenced"),
        ("appeal-efficacy-cm-ndph-chronic-migraine", "is claimed to treat", CHRONIC_MIGRAINE, "affirmed", "hedged",
         ndph_study, "named-unreferenced"),
        ("article-efficacy-frequency", "is claimed to reduce the frequency of", CHRONIC_MIGRAINE, "affirmed",
         "hedged", NIMH, "named-unreferenced"),
        ("article-efficacy-severity", "is claimed to reduce the severity of", CHRONIC_MIGRAINE, "affirmed", "hedged",
         NIMH, "named-unreferenced"),
        ("article-efficacy-quality-of-life", "is claimed to improve", expand("ent:quality-of-life"), "affirmed",
         "asserted", NIMH, "named-unreferenced"),
    ]
    assert {(r["condition"], r["conditionLabel"]) for r in rows} == {(CHRONIC_MIGRAINE, "chronic migraine")}
    assert rows[3]["attributedToLabel"] == "National Institute of Mental Health"
    assert_claims_consistent(rows, corpus)


def test_efficacy_of_every_treatment(store: ox.Store) -> None:
    rows = select(store, "efficacy")
    assert pick(rows, "drugLabel", "claimId", "conditionLabel") == [
        ("anticonvulsant", "appeal-efficacy-prior-anticonvulsants", "chronic migraine"),
        ("antidepressant", "appeal-efficacy-prior-antidepressants", "chronic migraine"),
        ("beta-blocker", "appeal-efficacy-prior-beta-blockers", "chronic migraine"),
        ("ketamine", "appeal-efficacy-controlled-studies-lacking", "chronic migraine"),
        ("ketamine", "appeal-efficacy-case-series", "chronic migraine"),
        ("ketamine", "appeal-efficacy-cm-ndph-chronic-migraine", "chronic migraine"),
        ("ketamine", "appeal-efficacy-cm-ndph-ndph", "new persistent daily headache"),
        ("ketamine", "appeal-efficacy-emergency-headache", "headache"),
        ("ketamine", "appeal-efficacy-high-quality-data-lacking", "migraine disorder"),
        ("ketamine", "article-efficacy-frequency", "chronic migraine"),
        ("ketamine", "article-efficacy-severity", "chronic migraine"),
        ("ketamine", "article-efficacy-quality-of-life", "chronic migraine"),
        ("ketamine", "article-efficacy-promising-potential", "migraine disorder"),
        ("onabotulinumtoxinA (Botox)", "appeal-efficacy-prior-botox", "chronic migraine"),
    ]
    negated = {r["claimId"] for r in rows if r["polarity"] == "negated"}
    assert negated == {"appeal-efficacy-prior-anticonvulsants", "appeal-efficacy-prior-antidepressants",
                       "appeal-efficacy-prior-beta-blockers", "appeal-efficacy-prior-botox",
                       "appeal-efficacy-controlled-studies-lacking", "appeal-efficacy-emergency-headache",
                       "appeal-efficacy-high-quality-data-lacking"}
    assert pick(select(store, "efficacy", condition="MONDO:0005277"), "claimId") == [
        ("appeal-efficacy-high-quality-data-lacking",), ("article-efficacy-promising-potential",)]


def test_unreferenced_attributions(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "unreferenced-attributions")
    agent, study = "https://w3id.org/biolink/vocab/Agent", "https://w3id.org/biolink/vocab/Study"
    assert pick(rows, "agentLabel", "agentType", "citationStatus", "claimId") == [
        ("Migraine Research Foundation", agent, "named-unreferenced", "article-prevalence-us"),
        ("National Institute of Mental Health", agent, "named-unreferenced", "article-efficacy-frequency"),
        ("National Institute of Mental Health", agent, "named-unreferenced", "article-efficacy-severity"),
        ("National Institute of Mental Health", agent, "named-unreferenced", "article-efficacy-quality-of-life"),
        ("Oxford (health plan, PPO)", agent, "none", "appeal-access-insurer-denied"),
        ("case series of intravenous ketamine infusion for chronic migraine (unreferenced)", study,
         "named-unreferenced", "appeal-efficacy-case-series"),
        ("case series of intravenous ketamine infusion for chronic migraine (unreferenced)", study,
         "named-unreferenced", "appeal-research-case-series-trials"),
        ("study of ketamine in the emergency room for headache (unreferenced)", study, "named-unreferenced",
         "appeal-efficacy-emergency-headache"),
        ("study of ketamine infusions for chronic migraine and new persistent daily headache (unreferenced)", study,
         "named-unreferenced", "appeal-efficacy-cm-ndph-chronic-migraine"),
        ("study of ketamine infusions for chronic migraine and new persistent daily headache (unreferenced)", study,
         "named-unreferenced", "appeal-efficacy-cm-ndph-ndph"),
        ("study of ketamine infusions for chronic migraine and new persistent daily headache (unreferenced)", study,
         "named-unreferenced", "appeal-research-cm-ndph-trials"),
        ("unnamed researchers", agent, "none", "article-mechanism-nmda-blockade"),
        ("unnamed researchers", agent, "none", "article-research-preventive"),
    ]
    assert_claims_consistent(rows, corpus)
    nimh = select(store, "unreferenced-attributions", agent="ror:04xeg9z08")
    assert nimh == [row for row in rows if row["agent"] == NIMH]


def test_hedged_claims_by_document(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "hedged-claims")
    label, appeal, article = doc(corpus, LABEL), doc(corpus, APPEAL), doc(corpus, ARTICLE)
    assert [(r["document"], r["claimId"], r["modality"], cues(r["cues"])) for r in rows] == [
        (label, "label-interaction-aminophylline", "hedged", {"may"}),
        (label, "label-interaction-theophylline", "hedged", {"may"}),
        (label, "label-adverse-lowered-seizure-threshold", "hedged", {"may"}),
        (appeal, "appeal-efficacy-cm-ndph-chronic-migraine", "hedged", {"may"}),
        (appeal, "appeal-efficacy-cm-ndph-ndph", "hedged", {"may"}),
        (article, "article-efficacy-frequency", "hedged", {"suggests", "may"}),
        (article, "article-efficacy-severity", "hedged", {"suggests", "may"}),
        (article, "article-mechanism-nmda-blockade", "speculative", {"researchers believe", "may"}),
        (article, "article-research-promising-new-class", "speculative",
         {"preliminary", "promising", "suggest", "could"}),
        (article, "article-efficacy-promising-potential", "speculative", {"promising potential"}),
        (article, "article-access-expensive", "hedged", {"can"}),
        (article, "article-adverse-hallucinations", "hedged", {"potential"}),
        (article, "article-adverse-nausea", "hedged", {"potential"}),
        (article, "article-adverse-vomiting", "hedged", {"potential"}),
        (article, "article-access-limited", "hedged", {"may"}),
        (article, "article-research-possible-standard", "speculative", {"it is possible", "could"}),
    ]
    assert_claims_consistent(rows, corpus)
    assert select(store, "hedged-claims", document=doc(corpus, APPEAL)) == rows[3:5]


def test_entity_claims(store: ox.Store) -> None:
    def counts(entity: str) -> list[tuple[str | None, ...]]:
        rows = select(store, "entity-claims", entity=entity)
        assert {row["entity"] for row in rows} <= {expand(entity)}
        return pick(rows, "entityLabel", "category", "claims", "documents")

    assert counts("CHEBI:6121") == [
        ("ketamine", "access-and-cost", "8", "2"), ("ketamine", "adverse-effect", "9", "2"),
        ("ketamine", "efficacy", "10", "2"), ("ketamine", "history", "3", "1"), ("ketamine", "indication", "9", "3"),
        ("ketamine", "mechanism", "4", "1"), ("ketamine", "regulatory-status", "10", "3"),
        ("ketamine", "research-status", "7", "2"),
    ]
    # As jurisdiction, and as the place of the prevalence figure.
    assert counts("wikidata:Q30") == [("United States", "indication", "3", "1"),
                                      ("United States", "prevalence", "1", "1"),
                                      ("United States", "regulatory-status", "3", "2")]
    assert counts("ent:chronic-migraine") == [
        ("chronic migraine", "access-and-cost", "3", "2"), ("chronic migraine", "efficacy", "10", "2"),
        ("chronic migraine", "indication", "2", "2"), ("chronic migraine", "mechanism", "2", "1"),
        ("chronic migraine", "presentation", "1", "1"), ("chronic migraine", "regulatory-status", "1", "1"),
        ("chronic migraine", "research-status", "4", "2"),
    ]
    # Being cited as a source is not being claimed about.
    assert counts("ror:04xeg9z08") == []


def test_supports_challenges_across_documents(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "supports-challenges")
    label, appeal, article = doc(corpus, LABEL), doc(corpus, APPEAL), doc(corpus, ARTICLE)
    assert pick(rows, "claimId", "relation", "otherId") == [
        ("label-adverse-emergence-reactions", "supports", "article-adverse-hallucinations"),
        ("label-indication-induction", "supports", "article-regulatory-off-label"),
        ("label-indication-sole-anesthetic", "supports", "article-regulatory-off-label"),
        ("label-indication-supplement", "supports", "article-regulatory-off-label"),
        ("label-role-general-anesthetic", "supports", "article-history-dissociative-anesthetic"),
        ("appeal-access-insurer-denied", "supports", "article-access-not-covered"),
        ("appeal-efficacy-case-series", "supports", "article-efficacy-severity"),
        ("appeal-efficacy-cm-ndph-chronic-migraine", "supports", "article-efficacy-frequency"),
        ("appeal-efficacy-controlled-studies-lacking", "challenges", "article-efficacy-frequency"),
        ("appeal-efficacy-controlled-studies-lacking", "challenges", "article-efficacy-severity"),
        ("appeal-efficacy-emergency-headache", "challenges", "article-efficacy-promising-potential"),
        ("appeal-efficacy-high-quality-data-lacking", "challenges", "article-efficacy-frequency"),
        ("appeal-efficacy-high-quality-data-lacking", "challenges", "article-efficacy-promising-potential"),
        ("appeal-efficacy-high-quality-data-lacking", "challenges", "article-efficacy-severity"),
        ("appeal-indication-not-indicated", "challenges", "article-indication-new-option"),
        ("appeal-indication-not-indicated", "supports", "article-regulatory-off-label"),
        ("appeal-regulatory-denial-upheld", "supports", "article-access-not-covered"),
        ("appeal-research-paucity", "challenges", "article-efficacy-frequency"),
        ("appeal-research-paucity", "challenges", "article-efficacy-severity"),
    ]
    assert [r["document"] for r in rows] == [label] * 5 + [appeal] * 14
    assert {r["otherDocument"] for r in rows} == {article}
    ids = claim_ids(corpus)
    assert all(r["other"] == ids[r["otherId"]] for r in rows)
    assert_claims_consistent(rows, corpus)
    assert rows[0]["otherQuote"] == ("there are potential side effects associated with ketamine, including nausea, "
                                     "vomiting, and hallucinations")
    assert select(store, "supports-challenges", document=label) == rows[:5]


def test_promotional_links(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "promotional-links")
    article = corpus.documents[ARTICLE]
    link = next(link for link in article.links if link.promotional)
    assert pick(rows, "document", "documentTitle", "target", "reason", "start") == [
        (doc(corpus, ARTICLE), "What is Ketamine Treatment?", "https://www.nepenthewellness.com/ketamine-therapy/",
         'the text around it says "check out"', str(link.start))]
    claims = [c for c in corpus.claims if c.document == ARTICLE]
    assert pick(rows, "claims", "hedgedClaims", "unreferencedClaims") == [("34", "11", "34")]
    assert len(claims) == 34 and sum(c.modality.value != "asserted" for c in claims) == 11
    assert select(store, "promotional-links", document=doc(corpus, LABEL)) == []  # its one link is not promotional


def test_document_summary(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "document-summary")
    expected: Counter[tuple[str, str, str]] = Counter()
    for claim in corpus.claims:
        for facet, value in (("category", claim.category), ("polarity", claim.polarity),
                             ("modality", claim.modality), ("citationStatus", claim.citation)):
            expected[(doc(corpus, claim.document), facet, value.value)] += 1
    got = {(r["document"], r["facet"], r["value"]): int(r["claims"]) for r in rows}
    assert got == dict(expected)
    assert len(rows) == 35
    titles = [corpus.documents[d].title for d in (LABEL, APPEAL, ARTICLE)]
    assert list(dict.fromkeys(r["documentTitle"] for r in rows)) == titles
    assert {(r["documentTitle"], r["kind"]) for r in rows} == {
        (titles[0], "drug-label"), (titles[1], "regulatory-decision"), (titles[2], "web-article")}
    assert ("hedged", "2") in pick(select(store, "document-summary", document=doc(corpus, APPEAL)), "value", "claims")


def test_entity_graph(store: ox.Store, corpus: Corpus) -> None:
    answer: Any = store.query(query_text("entity-graph"))
    triples = {(t.subject.value, t.predicate.value, t.object) for t in answer}
    ids = claim_ids(corpus)
    # (claim, subject, predicate, object) of every claim with an entity object.
    content = [(c, c.subject, c.predicate, ox.NamedNode(c.object)) for c in corpus.claims if c.object is not None]
    edges = {(s, p, o) for c, s, p, o in content if c.polarity is Polarity.AFFIRMED}
    negated = [(c, s, p, o) for c, s, p, o in content if c.polarity is Polarity.NEGATED]
    nodes = set()
    for c, s, p, o in negated:
        node = ids[c.id]
        nodes |= {(node, RDF_TYPE, ox.NamedNode(CEKG + "Claim")),
                  (node, CEKG + "polarity", ox.NamedNode(CEKG + "Negated")),
                  (node, CEKG + "subject", ox.NamedNode(s)), (node, CEKG + "predicate", ox.NamedNode(p)),
                  (node, CEKG + "object", o)}
    label_of = {e.iri: e.label for e in corpus.entities.values()}
    entities = {iri for _, s, _, o in content for iri in (s, o.value)}
    labels = {(iri, RDFS_LABEL, ox.Literal(label_of[iri])) for iri in entities}
    predicate_labels = {t for t in triples if t[1] == RDFS_LABEL and t[0].startswith(CEKG)}
    assert {t[0] for t in predicate_labels} == {p for _, _, p, _ in content}
    assert all(t[2].language == "en" and t[2].value.startswith("is claimed to") for t in predicate_labels)
    assert triples == edges | nodes | labels | predicate_labels
    assert (len(edges), len(negated), len(labels), len(predicate_labels)) == (46, 14, 44, 27)
    # A negated claim is never a positive edge; the edges are exactly the store's direct edges.
    assert not {(s, p, o) for _, s, p, o in negated} & edges
    direct: Any = store.query("SELECT ?s ?p ?o WHERE { ?p a <https://w3id.org/cekg/vocab#ClaimPredicate> . ?s ?p ?o }")
    assert {(s["s"].value, s["p"].value, s["o"]) for s in direct} == edges


def test_entity_graph_of_one_entity(store: ox.Store, corpus: Corpus) -> None:
    from kg.sparql import OxigraphBackend, load_library, run

    whole = {str(t) for t in store.query(query_text("entity-graph"))}
    info = load_library()["entity-graph"]
    result = run(info, OxigraphBackend(store), {"entity": "ent:chronic-migraine"})
    triples = {(t.subject.value, t.predicate.value, t.object) for t in result.triples}
    assert {str(t) for t in result.triples} < whole
    migraine = expand("ent:chronic-migraine")
    near = [c for c in corpus.claims if c.object is not None and migraine in (c.subject, c.object)]
    edges = {(c.subject, c.predicate, ox.NamedNode(c.object)) for c in near if c.polarity is Polarity.AFFIRMED}
    assert {t for t in triples if t[1].startswith(CEKG) and t[1] != CEKG + "polarity"
            and not t[0].startswith("https://w3id.org/cekg/id/claim/")} == edges
    negated = {t[0] for t in triples if t[1] == CEKG + "polarity"}
    ids = claim_ids(corpus)
    assert negated == {ids[c.id] for c in near if c.polarity is Polarity.NEGATED}
    label_of = {e.iri: e.label for e in corpus.entities.values()}
    entities = {iri for c in near for iri in (c.subject, c.object)}
    assert {(s, o.value) for s, p, o in triples if p == RDFS_LABEL and not s.startswith(CEKG)} == {
        (iri, label_of[iri]) for iri in entities}
    assert (len(edges), len(negated), len(entities)) == (7, 9, 7)


def test_edge_claims(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "edge-claims", subject="CHEBI:6121", predicate="cekg:reducesSeverityOf",
                  object="ent:chronic-migraine")
    assert pick(rows, "claimId", "polarity", "modality", "attributedToLabel", "citationStatus") == [
        ("appeal-efficacy-case-series", "affirmed", "asserted",
         "case series of intravenous ketamine infusion for chronic migraine (unreferenced)", "named-unreferenced"),
        ("article-efficacy-severity", "affirmed", "hedged", "National Institute of Mental Health",
         "named-unreferenced"),
    ]
    assert_claims_consistent(rows, corpus)
    assert pick(select(store, "edge-claims", object="ent:headache"), "subjectLabel", "predicateLabel", "polarity",
                "claimId") == [
        ("ketamine", "is claimed to treat", "negated", "appeal-efficacy-emergency-headache"),
        ("migraine disorder", "is claimed to cause", "affirmed", "article-presentation-headaches"),
    ]
    everything = select(store, "edge-claims")
    assert len(everything) == 64 == sum(c.object is not None for c in corpus.claims)


def test_negated_claims(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "negated-claims")
    appeal, article = doc(corpus, APPEAL), doc(corpus, ARTICLE)
    assert pick(rows, "document", "claimId") == [
        (appeal, "appeal-access-insurer-denied"), (appeal, "appeal-regulatory-denial-upheld"),
        (appeal, "appeal-efficacy-prior-anticonvulsants"), (appeal, "appeal-efficacy-prior-antidepressants"),
        (appeal, "appeal-efficacy-prior-beta-blockers"), (appeal, "appeal-efficacy-prior-botox"),
        (appeal, "appeal-access-not-medically-necessary"), (appeal, "appeal-indication-not-indicated"),
        (appeal, "appeal-efficacy-controlled-studies-lacking"), (appeal, "appeal-research-paucity"),
        (appeal, "appeal-efficacy-emergency-headache"), (appeal, "appeal-efficacy-high-quality-data-lacking"),
        (article, "article-mechanism-not-understood"), (article, "article-access-not-covered"),
    ]
    assert {r["claimId"] for r in rows} == {c.id for c in corpus.claims if c.polarity is Polarity.NEGATED}
    assert_claims_consistent(rows, corpus)
    assert select(store, "negated-claims", document=article) == rows[-2:]


def test_claim_provenance(store: ox.Store, corpus: Corpus) -> None:
    rows = select(store, "claim-provenance")
    ids = claim_ids(corpus)
    assert sorted(r["claimId"] for r in rows) == sorted(c.id for c in corpus.claims)
    assert_claims_consistent(rows, corpus)
    for row in rows:
        nanopub = row["claim"].replace("/id/claim/", "/id/np/")
        assert (row["quoteFound"], row["hashMatches"]) == ("true", "true"), row["claimId"]
        assert (row["nanopublication"], row["assertion"]) == (nanopub, nanopub + "/assertion")
        assert (row["curatorLabel"], row["curationMethod"], row["created"]) == ("cekg curators", "manual",
                                                                                 "2026-11-24")
    frequency = select(store, "claim-provenance", claimId="article-efficacy-frequency")
    assert pick(frequency, "claim", "document", "start", "end") == [
        (ids["article-efficacy-frequency"], doc(corpus, ARTICLE), "772", "946")]
    assert frequency[0]["quote"].startswith("A study conducted by the National Institute")
