"""kg viz: the views read from the store, the page (offline, escaped), layouts ahead, errors, the command."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.build import corpus_quads
from kg.cli import cli_hint, main
from kg.corpus import Corpus, load_corpus
from kg.errors import NotFoundError, QueryError, UsageError
from kg.store import open_store, write_store
from kg.viz import (
    DEFAULT_THRESHOLD,
    InlinePage,
    View,
    ViewGraph,
    build_view,
    layout_positions,
    render_html,
    sentence_around,
    show,
)

from .servers import run_kg

KETAMINE = "http://purl.obolibrary.org/obo/CHEBI_6121"
ARTICLE = "ketamine-migraine-article"

#: A scraped page at its worst: a script, an image that runs code when it fails, a javascript: link, "href".
HOSTILE_TEXT = (
    "Ketamine clinic news.\n"
    'Our guests say <script>window.pwned = "script"; alert("script")</script> that '
    "<img src=x onerror=\"window.pwned = 'img'; alert('img')\"> ketamine cures migraine, see "
    "<a href=\"javascript:window.pwned='link';alert('link')\">our page</a> (the word href stays text).\n"
    "Book now.\n"
)
HOSTILE_QUOTE = HOSTILE_TEXT.splitlines()[1]
HOSTILE_TITLE = 'Clinic <b>news</b> <script>alert("title")</script> & more'


def add_hostile_document(data_dir: Path, tmp_path: Path) -> str:
    """Add the hostile page to a data folder with one claim quoting it; return the claim id."""
    from kg.documents import add_document
    from kg.vocab import DocumentKind

    source = tmp_path / "clinic.txt"
    source.write_text(HOSTILE_TEXT, encoding="utf-8")
    added = add_document(data_dir, source, title=HOSTILE_TITLE, kind=DocumentKind.MARKETING_PAGE,
                         doc_id="hostile-clinic")
    start = HOSTILE_TEXT.index(HOSTILE_QUOTE)
    claims = {
        "document": "hostile-clinic",
        "document_sha256": added.sha256,
        "curation": {"method": "manual", "curator": "test", "date": "2026-11-24"},
        "claims": [{
            "id": "hostile-cures", "category": "efficacy", "subject": "CHEBI:6121", "predicate": "cekg:treats",
            "object": "MONDO:0005277", "polarity": "affirmed", "modality": "asserted", "citation": "none",
            "quote": HOSTILE_QUOTE, "start": start, "end": start + len(HOSTILE_QUOTE),
        }],
    }
    (data_dir / "claims" / "hostile-clinic.yaml").write_text(json.dumps(claims, indent=1), encoding="utf-8")
    return "hostile-cures"


def hostile_store(data_dir: Path, tmp_path: Path) -> Path:
    """Build the data folder with the hostile page added into a store under ``tmp_path``."""
    add_hostile_document(data_dir, tmp_path)
    store_dir = tmp_path / "hostile-store"
    write_store(store_dir, corpus_quads(load_corpus(data_dir)))
    return store_dir


def page_data(page: str) -> dict[str, Any]:
    """Return the JSON data block of a page."""
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert found, "the page has no data block"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def expected_claims_view(corpus: Corpus, doc: str | None = None) -> tuple[int, int]:
    """Count, from the claims files, the nodes and edges the claims view must have."""
    claims = [c for c in corpus.claims if doc is None or c.document == doc]
    ids = {c.id for c in claims}
    things = {c.subject for c in claims} | {c.object for c in claims if c.object} | {
        c.attributed_to for c in claims if c.attributed_to}
    quantities = sum(1 for c in claims if c.quantity is not None)
    documents = {c.document for c in claims}
    relations = sum(1 for c in claims for t in (*c.supports, *c.challenges) if t in ids)
    edges = 3 * len(claims) + sum(1 for c in claims if c.attributed_to) + relations
    return len(claims) + len(things) + quantities + len(documents), edges


# ---- the views, from the store -----------------------------------------------------------------------------


def test_entities_view_has_an_edge_per_claim_between_its_entities(store: ox.Store, corpus: Corpus) -> None:
    view = build_view(store, view="entities")
    entities = {c.subject for c in corpus.claims} | {c.object for c in corpus.claims if c.object}
    quantities = sum(1 for c in corpus.claims if c.quantity is not None)
    assert len(view.edges) == len(corpus.claims) == 69
    assert len(view.nodes) == len(entities) + quantities
    assert {e.role for e in view.edges} == {"claim"}
    assert Counter(e.category for e in view.edges) == Counter(c.category.value for c in corpus.claims)
    negated = [e for e in view.edges if e.negated]
    assert len(negated) == sum(1 for c in corpus.claims if c.polarity.value == "negated") == 14
    ketamine = next(n for n in view.nodes if n.id == KETAMINE)
    assert (ketamine.label, ketamine.kind) == ("ketamine", "drug")
    assert view.description == "69 claims from 3 documents: entities as nodes, each claim an edge"


def test_claims_view_links_claims_to_entities_documents_and_sources(store: ox.Store, corpus: Corpus) -> None:
    view = build_view(store, view="claims")
    assert (len(view.nodes), len(view.edges)) == expected_claims_view(corpus)
    assert Counter(n.kind for n in view.nodes)["claim"] == 69
    assert Counter(n.kind for n in view.nodes)["document"] == 3
    roles = Counter(e.role for e in view.edges)
    assert roles["subject"] == roles["object"] == roles["document"] == 69
    assert roles["attribution"] == sum(1 for c in corpus.claims if c.attributed_to) == 13
    assert sorted(view.documents) == sorted(corpus.documents)


def test_document_view_holds_that_documents_claims_only(store: ox.Store, corpus: Corpus) -> None:
    view = build_view(store, view="document", doc=ARTICLE)
    assert view.view is View.DOCUMENT
    assert (len(view.nodes), len(view.edges)) == expected_claims_view(corpus, ARTICLE)
    assert {info.document for info in view.claims.values()} == {ARTICLE}
    assert len(view.claims) == sum(1 for c in corpus.claims if c.document == ARTICLE) == 34
    assert list(view.documents) == [ARTICLE]


def test_a_claim_carries_its_words_sentence_source_and_citation(store: ox.Store) -> None:
    view = build_view(store, view="claims", doc=ARTICLE)
    claims = {info.id: info for info in view.claims.values()}
    frequency = claims["article-efficacy-frequency"]
    assert frequency.words == (
        "What is Ketamine Treatment? claims ketamine to reduce the frequency of chronic migraine — hedged "
        "(“may”, “suggests”), according to National Institute of Mental Health; citation: named but "
        "unreferenced.")
    assert (frequency.before, frequency.after) == ("", "")  # the quote is a whole sentence
    assert frequency.quote.startswith("A study conducted by the National Institute of Mental Health suggests")
    assert (frequency.category, frequency.modality, frequency.polarity, frequency.citation) == (
        "efficacy", "hedged", "affirmed", "named-unreferenced")
    assert frequency.attributed_to == "National Institute of Mental Health"
    assert frequency.document_title == "What is Ketamine Treatment?"
    assert frequency.challenges == () and "appeal-efficacy-lacking-controlled-studies" not in frequency.supports
    nmda = claims["article-mechanism-nmda-blockade"]
    assert nmda.before == ("While the exact mechanism of ketamine\u2019s efficacy in treating chronic migraines is not "
                           "yet fully understood, ")
    assert nmda.quote == ("researchers believe it may be related to the drug\u2019s ability to block NMDA receptors "
                          "in the brain")
    assert nmda.after == "."
    assert (nmda.modality, nmda.cues, nmda.attributed_to) == ("speculative", ("may", "researchers believe"),
                                                              "unnamed researchers")


def test_the_analysts_guide_quotes_a_claim_as_the_page_words_it(store: ox.Store) -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "analysts.md").read_text(encoding="utf-8")
    quoted = re.search(r"\n\n((?:> .*\n)+)\nClick it", guide)
    assert quoted, "docs/analysts.md lost its example of a claim in words"
    words = " ".join(line[2:] for line in quoted.group(1).splitlines())
    view = build_view(store, view="claims", doc=ARTICLE)
    assert words == next(i.words for i in view.claims.values() if i.id == "article-efficacy-frequency")


def test_width_counts_the_independent_documents_making_the_same_claim(store: ox.Store) -> None:
    view = build_view(store, view="entities")
    sources = {view.claims[e.claim].id: e.sources for e in view.edges if e.claim}
    # The article and the appeal decision both say the infusions are not covered, and that ketamine reduces the
    # severity of chronic migraine (the decision citing a case series).
    assert {claim for claim, count in sources.items() if count == 2} == {
        "appeal-access-insurer-denied", "appeal-regulatory-denial-upheld", "article-access-not-covered",
        "appeal-efficacy-case-series", "article-efficacy-severity"}
    assert set(sources.values()) == {1, 2}


def test_filters_restrict_the_view(store: ox.Store, corpus: Corpus) -> None:
    view = build_view(store, view="entities", categories=["efficacy", "Adverse effect"], modalities=["hedged"])
    expected = [c for c in corpus.claims if c.category.value in ("efficacy", "adverse-effect")
                and c.modality.value == "hedged"]
    assert sorted(info.id for info in view.claims.values()) == sorted(c.id for c in expected)
    assert len(view.edges) == len(expected) == 10


def test_query_view_draws_a_construct_with_labels_and_claim_facets(store: ox.Store, corpus: Corpus) -> None:
    view = build_view(store, view="query", query="entity-graph")
    assert view.view is View.QUERY
    assert view.description == "the graph of the query entity-graph: 187 triples"
    labels = {n.id: n.label for n in view.nodes}
    assert labels[KETAMINE] == "ketamine"
    negated = [n for n in view.nodes if n.kind == "claim"]
    assert len(negated) == 14 and all(n.label.startswith("NOT ") for n in negated)
    assert all(n.properties["polarity"] == ["negated"] for n in negated)
    # Direct edges of affirmed claims: one per distinct (subject, predicate, object).
    direct = {(c.subject, c.predicate, c.object) for c in corpus.claims
              if c.polarity.value == "affirmed" and c.object}
    assert sum(1 for e in view.edges if e.role == "claim") == len(direct)
    # Labels of predicates that the CONSTRUCT describes are not drawn as nodes of their own.
    assert "https://w3id.org/cekg/vocab#reducesFrequencyOf" not in labels


# ---- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    ({"view": "maps"}, "unknown view 'maps': use one of entities, claims, document, query"),
    ({"view": "entities", "categories": ["efficacy", "cures"]},
     "unknown category 'cures': use one of prevalence, presentation, mechanism, efficacy, adverse-effect, "
     "regulatory-status, access-and-cost, indication, history, research-status"),
    ({"view": "claims", "modalities": ["certain"]}, "unknown modality 'certain': use one of asserted, hedged, "
                                                    "speculative"),
    ({"view": "document", "doc": "nope"}, "unknown document 'nope': the store has fda-label-ketamine-injection, "
                                          "ketamine-migraine-article, ny-dfs-appeal-202308-166215"),
    ({"view": "document"}, "the document view needs --doc ID: one of fda-label-ketamine-injection, "),
    ({"view": "query"}, "the query view needs a query"),
    ({"view": "entities", "query": "entity-graph"}, "--query applies to the query view only"),
    ({"view": "query", "query": "efficacy"}, "the query view draws the graph of a CONSTRUCT or DESCRIBE query; "
                                             "efficacy is a SELECT"),
    ({"view": "entities", "doc": "fda-label-ketamine-injection", "categories": ["prevalence"]},
     "no claim matches document 'fda-label-ketamine-injection' and category prevalence: nothing to draw"),
])
def test_bad_options_are_usage_errors_naming_the_value(store: ox.Store, options: dict[str, Any],
                                                       message: str) -> None:
    with pytest.raises(UsageError) as caught:
        build_view(store, **options)
    # As the command line words it: the options it names as their flags.
    assert message in caught.value.render(cli_hint)


def test_unknown_query_and_bad_parameter(store: ox.Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"no query named 'entity-grph'.*did you mean entity-graph"):
        build_view(store, view="query", query="entity-grph")
    with pytest.raises(QueryError, match="entity-graph has no parameter 'nothing'; its parameters are: entity"):
        build_view(store, view="query", query="entity-graph", params={"nothing": "1"})


def test_a_query_without_triples_is_refused(store: ox.Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.rq"
    empty.write_text("PREFIX cekg: <https://w3id.org/cekg/vocab#>\n"
                     "CONSTRUCT { ?c a cekg:Nothing } WHERE { ?c a cekg:Nothing }\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"^empty returned no triples: nothing to draw"):
        build_view(store, view="query", query=str(empty))


def huge_query(path: Path) -> Path:
    """Write a CONSTRUCT of exactly 200,000 distinct triples, made from VALUES alone."""
    digits = " ".join(str(d) for d in range(10))
    path.write_text(
        "CONSTRUCT { ?s <urn:example:p> ?o } WHERE {\n"
        "  VALUES ?a { 0 1 }\n" + "".join(f"  VALUES ?{v} {{ {digits} }}\n" for v in "bcdef") +
        '  BIND(IRI(CONCAT("urn:example:n", STR(?a), STR(?b), STR(?c), STR(?d), STR(?e), STR(?f))) AS ?s)\n'
        '  BIND(IRI(CONCAT("urn:example:m", STR(?a), STR(?b), STR(?c))) AS ?o)\n'
        "}\n", encoding="utf-8")
    return path


def test_a_query_of_200000_triples_is_refused_with_its_count(store: ox.Store, tmp_path: Path) -> None:
    query = huge_query(tmp_path / "huge.rq")
    with pytest.raises(UsageError) as caught:
        build_view(store, view="query", query=str(query))
    assert str(caught.value).startswith("huge returns 200,000 triples, over the limit of 50,000 for one page")
    assert "narrow the query" in str(caught.value) and "--max-triples" in caught.value.render(cli_hint)


def test_an_empty_graph_is_not_drawn() -> None:
    with pytest.raises(UsageError, match="nothing to draw: the graph has no nodes"):
        render_html(ViewGraph.from_networkx(nx.Graph()), title="empty")


# ---- the page ----------------------------------------------------------------------------------------------


def test_the_page_is_self_contained_and_loads_nothing(store: ox.Store) -> None:
    page = render_html(build_view(store, view="entities"), title="Entities")
    assert page.startswith("<!DOCTYPE html>")
    # No element fetches anything: no src or href attribute with an address, no style sheet link, no import.
    assert not re.search(r"""\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"<link\b|@import|url\(\s*[\"']?\s*(?:https?:)?//", page, re.I)
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrap"):
        assert cdn not in page.lower()
    # vis-network is pyvis's own build, inlined; the Content-Security-Policy forbids connections anyway.
    assert "@version 9.1.2" in page
    assert "connect-src 'none'" in page and "default-src 'none'" in page
    # The data block, vis-network, the page's own script; nothing else opens or closes a script element.
    assert re.findall(r"^<script[^>]*>", page, re.M) == ['<script type="application/json" id="kg-data">',
                                                         "<script>", "<script>"]
    assert page.count("</script>") == 3


def test_document_text_is_escaped_and_kept_whole(data_copy: Path, tmp_path: Path) -> None:
    with open_store(hostile_store(data_copy, tmp_path)) as store:
        view = build_view(store, view="document", doc="hostile-clinic")
    page = render_html(view, title=HOSTILE_TITLE)
    for raw in ("<script>window.pwned", "<img src=x", "<b>news</b>", 'href="javascript:'):
        assert raw not in page
    assert len(re.findall(r"^<script", page, re.M)) == 3 and page.count("</script>") == 3
    assert f"<title>{html.escape(HOSTILE_TITLE)}</title>" in page
    data = page_data(page)
    claims = data["claims"]
    (claim,) = (c for c in claims.values() if c["id"] == "hostile-cures")
    assert claim["quote"] == HOSTILE_QUOTE and claim["document_title"] == HOSTILE_TITLE
    assert claim["before"] == "" and claim["after"] == ""
    assert data["documents"] == [{"id": "hostile-clinic", "title": HOSTILE_TITLE}]


def test_the_page_script_never_writes_html() -> None:
    script = (Path(__file__).resolve().parent.parent / "kg" / "viz" / "assets" / "page.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script


def test_encoding_follows_category_modality_negation_and_sources(store: ox.Store) -> None:
    data = page_data(render_html(build_view(store, view="entities"), title="Entities"))
    edges, claims = data["edges"], data["claims"]
    by_id = {claims[e["claim"]]["id"]: e for e in edges}
    frequency = by_id["article-efficacy-frequency"]
    assert frequency["color"]["color"] == "#59a14f" and frequency["dashes"] == [12, 6] and frequency["width"] == 1.5
    nmda = by_id["article-mechanism-nmda-blockade"]
    assert nmda["dashes"] == [2, 6]
    not_covered = by_id["article-access-not-covered"]
    assert not_covered["negated"] is True and not_covered["label"] == "NOT"
    assert not_covered["arrows"]["to"]["type"] == "bar" and not_covered["background"]["enabled"] is True
    assert not_covered["width"] == 4.0  # two documents
    legend = data["legend"]
    assert [c["value"] for c in legend["categories"]] == [
        "prevalence", "presentation", "mechanism", "efficacy", "adverse-effect", "regulatory-status",
        "access-and-cost", "indication", "history", "research-status"]
    assert [m["value"] for m in legend["modalities"]] == ["asserted", "hedged", "speculative"]
    shapes = {n["id"]: n["shape"] for n in data["nodes"]}
    assert shapes[KETAMINE] == "diamond" and shapes["http://purl.obolibrary.org/obo/MONDO_0005277"] == "dot"


def test_from_networkx_keeps_labels_kinds_and_categories() -> None:
    graph = nx.DiGraph()
    graph.add_node("k", label="ketamine", kind="drug", note="x")
    graph.add_node("m", label="migraine", kind="disease")
    graph.add_edge("k", "m", label="treats", category="efficacy", modality="hedged")
    graph.add_edge("m", "z")
    view = ViewGraph.from_networkx(graph)
    assert [(n.id, n.label, n.kind) for n in view.nodes] == [("k", "ketamine", "drug"), ("m", "migraine", "disease"),
                                                             ("z", "z", "resource")]
    assert view.nodes[0].properties == {"note": ["x"]}
    assert [(e.source, e.target, e.label, e.category, e.modality) for e in view.edges] == [
        ("k", "m", "treats", "efficacy", "hedged"), ("m", "z", "", None, None)]
    assert view.directed and not ViewGraph.from_networkx(nx.Graph(graph)).directed


def synthetic(nodes: int, edges: int, seed: int = 3) -> nx.Graph:
    """Return a random graph with labels, kinds and categories, like the benchmark's."""
    graph = nx.gnm_random_graph(nodes, edges, seed=seed)
    kinds, categories = ["drug", "disease", "phenotype"], ["efficacy", "mechanism", "adverse-effect"]
    for node in graph.nodes:
        graph.nodes[node].update(label=f"entity {node}", kind=kinds[node % 3])
    for i, (a, b) in enumerate(graph.edges):
        graph.edges[a, b].update(label="claims", category=categories[i % 3])
    return graph


def test_a_large_graph_is_laid_out_ahead_with_physics_off() -> None:
    view = ViewGraph.from_networkx(synthetic(DEFAULT_THRESHOLD + 100, 3000))
    data = page_data(render_html(view, title="Synthetic"))
    assert data["precomputed"] is True
    assert data["options"]["physics"] == {"enabled": False}
    nodes = data["nodes"]
    assert len(nodes) == 1600 and len(data["edges"]) == 3000
    positions = {(n["x"], n["y"]) for n in nodes}
    assert len(positions) == 1600  # every node placed, none on top of another


def test_the_page_is_built_without_pyvis_network(tmp_path: Path) -> None:
    """pyvis's Network (whose add_edge scans every edge added so far) is never imported; only its files are read."""
    script = ("import sys\n"
              "import networkx as nx\n"
              "from kg.viz import ViewGraph, render_html\n"
              "page = render_html(ViewGraph.from_networkx(nx.path_graph(5)), title='path')\n"
              "print(sorted(m for m in sys.modules if m.startswith('pyvis')), '@version 9.1.2' in page)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] True"


def test_a_small_graph_uses_the_browsers_physics_unless_asked() -> None:
    view = ViewGraph.from_networkx(synthetic(50, 80))
    data = page_data(render_html(view, title="Small"))
    assert data["precomputed"] is False and data["options"]["physics"]["enabled"] is True
    assert all("x" not in n for n in data["nodes"])
    ahead = page_data(render_html(view, title="Small", layout="precomputed"))
    assert ahead["precomputed"] is True and all("x" in n for n in ahead["nodes"])
    with pytest.raises(UsageError, match="unknown layout 'spring': use one of auto, physics, precomputed"):
        render_html(view, title="Small", layout="spring")


@pytest.mark.parametrize("size", [120, 900])
def test_layout_is_deterministic_and_spreads_the_nodes(size: int) -> None:
    graph = synthetic(size, size * 2)
    ids = [str(n) for n in graph.nodes]
    edges = [(str(a), str(b)) for a, b in graph.edges]
    first, second = layout_positions(ids, edges), layout_positions(ids, edges)
    assert first == second and set(first) == set(ids)
    xs, ys = [p[0] for p in first.values()], [p[1] for p in first.values()]
    assert max(xs) - min(xs) > 300 and max(ys) - min(ys) > 300
    assert len({(round(x), round(y)) for x, y in first.values()}) == size


def test_sentence_around_a_quote() -> None:
    text = "First line\nOne. Two says it here, and more! Three."
    start = text.index("it here")
    assert sentence_around(text, start, start + 7) == ("Two says ", "it here", ", and more!")
    assert sentence_around(text, 0, 5) == ("", "First", " line")
    assert sentence_around(text, 5, 3) == ("", "", "")  # offsets that do not fit give the quote alone
    long = "word " * 200 + "QUOTE" + " word" * 200
    before, quote, after = sentence_around(long, 1000, 1005)
    assert quote == "QUOTE" and before.startswith("…") and after.endswith("…") and len(before) == 401


def test_notebook_display_is_an_escaped_srcdoc_iframe() -> None:
    page = "<!DOCTYPE html><p title=\"a & b\">it's <b>here</b></p>"
    shown = show(page, height=500)
    assert isinstance(shown, InlinePage)
    frame = shown._repr_html_()
    found = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="width: 100%; height: 500px; '
                         r'[^"]*" title="knowledge graph view"></iframe>', frame)
    assert found and html.unescape(found.group(1)) == page
    assert "<b>" not in frame and "file:" not in frame


def test_graph_api_shows_a_view_inline_and_saves_it(built_store: Path, tmp_path: Path) -> None:
    from kg.api import Graph

    with Graph.open(built_store) as graph:
        shown = graph.viz("document", doc=ARTICLE, out=tmp_path / "article.html")
    assert shown.html == (tmp_path / "article.html").read_text(encoding="utf-8")
    assert "<title>The claims of ketamine-migraine-article</title>" in shown.html
    assert len(page_data(shown.html)["claims"]) == 34


# ---- the command -------------------------------------------------------------------------------------------


def test_command_writes_each_view(built_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for view, extra, nodes in (("entities", [], 49), ("claims", [], 128), ("document", ["--doc", ARTICLE], 64),
                               ("query", ["--query", "entity-graph"], 66)):
        out = tmp_path / f"{view}.html"
        assert main(["viz", "--view", view, *extra, "--store", str(built_store), "--out", str(out)]) == 0
        assert f"wrote {out}: {nodes} nodes" in capsys.readouterr().err
        assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == nodes


@pytest.mark.parametrize(("args", "message"), [
    (["--view", "maps"], "Error: unknown view 'maps': use one of entities, claims, document, query"),
    (["--view", "claims", "--category", "cures"], "Error: unknown category 'cures': use one of prevalence,"),
    (["--view", "document", "--doc", "nope"], "Error: unknown document 'nope': the store has"),
    (["--view", "query", "--query", "EMPTY"], "Error: empty returned no triples: nothing to draw"),
    (["--view", "query", "--query", "HUGE"], "Error: huge returns 200,000 triples, over the limit of 50,000"),
    (["--view", "claims", "-p", "drug=CHEBI:6121"], "Error: -p/--param applies to the query view only"),
])
def test_command_errors_leave_the_previous_page_untouched(built_store: Path, tmp_path: Path, args: list[str],
                                                          message: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    assert main(["viz", "--view", "entities", "--store", str(built_store), "--out", str(out)]) == 0
    good = out.read_bytes()
    empty = tmp_path / "empty.rq"
    empty.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s <urn:example:none> ?o }\n", encoding="utf-8")
    args = [{"EMPTY": str(empty), "HUGE": str(huge_query(tmp_path / "huge.rq"))}.get(a, a) for a in args]
    capsys.readouterr()
    assert main(["viz", *args, "--store", str(built_store), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(message)
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial file left


def test_command_opens_the_page_in_the_browser(built_store: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).write_text(sys.argv[2])\n", encoding="utf-8")
    out = tmp_path / "claims.html"
    done = run_kg("viz", "--view", "claims", "--store", str(built_store), "--out", str(out), "--open",
                  env={"BROWSER": f"{sys.executable} {browser} {opened} %s", "DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert done.returncode == 0, done.stderr
    assert opened.read_text() == out.resolve().as_uri()


def test_command_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["viz", "--help"]) == 0
    text = capsys.readouterr().out
    assert "kg viz --view entities --out entities.html --open" in text
    assert "--max-triples" in text and "--category CATEGORY" in text


