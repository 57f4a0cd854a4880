"""The synthetic corpus generator of the benchmarks: deterministic, valid, in the curated proportions.

Also what the benchmark runner promises without timing anything: a size too large for the machine is skipped
with a message, and an interrupted run leaves the previous results in place. No figure is timed here: timings
live in ``make bench``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.synth import generate
from bench.synth import proportions as P
from kg.corpus import Corpus, load_corpus
from kg.iris import document_iri, expand
from kg.validate import validate

from .conftest import REPO

SIZE = 4000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Corpus, dict[str, str]]:
    """A synthetic corpus of 4,000 claims, generated and loaded once."""
    out = tmp_path_factory.mktemp("synth") / "data"
    summary = generate(out, claims=SIZE, seed=3)
    return out, load_corpus(out), dict(summary.samples)


def _share(corpus: Corpus, test: Callable[..., bool]) -> float:
    return sum(1 for claim in corpus.claims if test(claim)) / len(corpus.claims)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", claims=300, seed=11, entities=400)
    second = generate(tmp_path / "b", claims=300, seed=11, entities=400)
    other = generate(tmp_path / "c", claims=300, seed=12, entities=400)
    assert first == second
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b")
    assert len(files) == 2 * first.documents + first.documents + 1  # text + meta, claims file, entities.yaml
    assert _files(tmp_path / "c") != files
    assert other.claims == 300


def test_small_corpus_passes_kg_validate_with_exactly_the_claims_asked_for(tmp_path: Path) -> None:
    summary = generate(tmp_path / "data", claims=90, seed=5, entities=300)
    report = validate(tmp_path / "data")
    assert report.problems == []
    assert report.claims == summary.claims == 90
    assert summary.documents == len(list((tmp_path / "data" / "documents").iterdir()))


def test_the_command_line_writes_a_data_folder_kg_accepts(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    done = subprocess.run([sys.executable, "-m", "bench.synth", "--claims", "45", "--seed", "2", "--entities", "200",
                           "--out", str(out), "--summary"], capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"] == 45
    assert "45 claims" in done.stderr
    assert len(load_corpus(out).claims) == 45
    refused = subprocess.run([sys.executable, "-m", "bench.synth", "--claims", "0", "--out", str(tmp_path / "x")],
                             capture_output=True, text=True, cwd=REPO, check=False)
    assert refused.returncode == 2
    assert "--claims and --entities must be positive" in refused.stderr
    assert not (tmp_path / "x").exists()


def test_every_quote_is_the_text_at_its_offsets_and_carries_its_cues_and_negation(
        synthetic: tuple[Path, Corpus, dict[str, str]]) -> None:
    _, corpus, _ = synthetic
    assert len(corpus.claims) == SIZE
    for claim in corpus.claims:
        text = corpus.documents[claim.document].text
        assert text[claim.anchor.start:claim.anchor.end] == claim.anchor.quote
        assert all(cue.lower() in claim.anchor.quote.lower() for cue in claim.cues)
        if claim.polarity.value == "negated":
            assert " not " in claim.anchor.quote or " no " in claim.anchor.quote or "cannot" in claim.anchor.quote
    non_ascii = [d for d in corpus.documents.values() if any(ord(ch) > 127 for ch in d.text)]
    assert non_ascii, "offsets must be exercised on text that is not all ASCII"


def test_facets_come_out_in_the_curated_proportions(synthetic: tuple[Path, Corpus, dict[str, str]]) -> None:
    _, corpus, _ = synthetic
    total = sum(P.PREDICATES.values())
    categories = Counter(c.category.value for c in corpus.claims)
    for category in {cat for cat, _ in P.PREDICATES}:
        expected = sum(n for (cat, _), n in P.PREDICATES.items() if cat == category) / total
        assert categories[category] / SIZE == pytest.approx(expected, abs=0.02), category
    assert _share(corpus, lambda c: c.polarity.value == "negated") == pytest.approx(P.share(P.NEGATED), abs=0.025)
    modalities = sum(P.MODALITY.values())
    for modality, count in P.MODALITY.items():
        assert _share(corpus, lambda c, m=modality: c.modality.value == m) == pytest.approx(count / modalities,
                                                                                             abs=0.025)
    assert _share(corpus, lambda c: c.quantity is not None) == pytest.approx(5 / 69, abs=0.015)
    assert _share(corpus, lambda c: c.attributed_to is not None) == pytest.approx(P.share(P.ATTRIBUTED), abs=0.025)
    assert _share(corpus, lambda c: bool(c.supports)) == pytest.approx(P.share(P.SUPPORTS), abs=0.025)
    assert _share(corpus, lambda c: bool(c.challenges)) == pytest.approx(5 / 69, abs=0.02)
    assert _share(corpus, lambda c: c.citation.value == "traceable") == pytest.approx(0.053, abs=0.015)
    assert _share(corpus, lambda c: c.citation.value == "named-unreferenced") == pytest.approx(0.133, abs=0.025)
    for key, count in P.QUALIFIERS.items():
        assert _share(corpus, lambda c, k=key: getattr(c, k) is not None) == pytest.approx(count / 69, abs=0.04), key
    quotes = {(c.document, c.anchor.start) for c in corpus.claims}
    assert len(quotes) / SIZE == pytest.approx(52 / 69, abs=0.05)  # some sentences list several objects


def test_every_value_of_every_facet_occurs(synthetic: tuple[Path, Corpus, dict[str, str]]) -> None:
    _, corpus, _ = synthetic
    claims = corpus.claims
    assert {c.polarity.value for c in claims} == {"affirmed", "negated"}
    assert {c.modality.value for c in claims} == {"asserted", "hedged", "speculative"}
    assert {c.citation.value for c in claims} == {"traceable", "named-unreferenced", "none"}
    assert {c.curation.method.value for c in claims} == {"manual", "text-mining"}
    assert {c.quantity.bound.value for c in claims if c.quantity} == {"exactly", "about", "over", "under",
                                                                    "at-least", "at-most"}
    assert {corpus.entities[c.attributed_to].type.value for c in claims if c.attributed_to} == {
        "study", "organization", "agent"}
    assert {p.rsplit("#", 1)[1] for p in (c.predicate for c in claims)} == {p for _, p in P.PREDICATES}
    assert {d.kind.value for d in corpus.documents.values()} == set(P.DOCUMENT_KINDS)
    assert all(c.references for c in claims if c.citation.value == "traceable")
    links = [link for d in corpus.documents.values() for link in d.links]
    assert {link.promotional for link in links} == {True, False}
    across = sum(1 for c in claims for t in (*c.supports, *c.challenges) if not t.startswith(c.document + "-"))
    within = sum(1 for c in claims for t in (*c.supports, *c.challenges) if t.startswith(c.document + "-"))
    assert across > 100 and within > 100


def test_documents_hold_twenty_to_forty_claims_and_entities_are_invented(
        synthetic: tuple[Path, Corpus, dict[str, str]]) -> None:
    _, corpus, _ = synthetic
    per_document = Counter(c.document for c in corpus.claims)
    *full, last = [per_document[d] for d in sorted(corpus.documents)]
    low, high = P.CLAIMS_PER_DOCUMENT
    assert all(low <= n <= high for n in full)
    assert 1 <= last <= high
    assert 2500 <= len(corpus.entities) <= 3500
    synthetic_namespace = expand("ent:synth-")
    assert all(iri.startswith(synthetic_namespace) for iri in corpus.entities)
    assert all(target.startswith(synthetic_namespace) for e in corpus.entities.values()
               for target in (*e.exact_matches, *e.close_matches, *e.broader))
    subjects = Counter(c.subject for c in corpus.claims)
    mean = SIZE / len(subjects)
    assert subjects.most_common(1)[0][1] > 5 * mean  # a few entities are used often (Zipf-like), most rarely
    assert sum(1 for n in subjects.values() if n < mean) > len(subjects) / 2


def test_samples_name_values_that_are_in_the_corpus(synthetic: tuple[Path, Corpus, dict[str, str]]) -> None:
    _, corpus, samples = synthetic
    ids = {c.id for c in corpus.claims}
    assert set(samples) == {"document", "claimId", "subject", "predicate", "object", "drug", "entity", "condition",
                            "agent"}
    assert samples["claimId"] in ids
    # The busiest values: the document with the most claims (and its first claim), the edge claimed most often.
    per_document = Counter(document_iri(c.document_sha256) for c in corpus.claims)
    assert per_document[samples["document"]] == max(per_document.values())
    assert next(c.id for c in corpus.claims if document_iri(c.document_sha256) == samples["document"]) == \
        samples["claimId"]
    edges = Counter((c.subject, c.predicate, c.object) for c in corpus.claims
                    if c.object and c.polarity.value == "affirmed")
    edge = (expand(samples["subject"]), expand(samples["predicate"]), expand(samples["object"]))
    assert edges[edge] == max(edges.values())
    assert expand(samples["drug"]) == Counter(c.subject for c in corpus.claims
                                              if corpus.entities[c.subject].type.value == "drug").most_common(1)[0][0]
    assert any(c.subject == expand(samples["subject"]) and c.predicate == expand(samples["predicate"])
               and c.object == expand(samples["object"]) and c.polarity.value == "affirmed" for c in corpus.claims)
    assert corpus.entities[expand(samples["agent"])].type.is_agent
    assert corpus.entities[expand(samples["condition"])].type.value == "disease"


def test_a_size_too_large_for_the_machine_is_skipped_with_a_message(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bench.run", "--sizes", "1000000000", "--figures", "build",
                           "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")],
                          capture_output=True, text=True, cwd=REPO, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "skipping 1,000,000,000 claims: it would need about" in done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert "GiB of memory" in results["sizes"]["1000000000"]["skipped"]
    assert {v["met"] for v in results["targets"]} == {None}
    page = (tmp_path / "out" / "benchmarks.md").read_text()
    assert "**1,000,000,000 claims skipped:** it would need about" in page
    assert not (tmp_path / "cache" / "corpus-1000000000-seed1-e3000").exists()


def test_an_interrupted_run_leaves_the_previous_results_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    previous = {"results.json": b'{"previous": true}\n', "benchmarks.md": b"# previous\n"}
    for name, data in previous.items():
        (out / name).write_bytes(data)
    child = subprocess.Popen([sys.executable, "-m", "bench.run", "--sizes", "40", "--figures", "build,validate",
                              "--repeat", "50", "--out", str(out), "--cache", str(tmp_path / "cache")],
                             stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert child.stderr is not None
    for line in child.stderr:  # interrupt in the middle of the measurements
        if "build" in line and "claims:" in line:
            break
    time.sleep(1)
    child.send_signal(signal.SIGINT)
    rest = child.stderr.read()
    assert child.wait(timeout=120) == 130
    assert "interrupted: the previous results are left as they were" in rest
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous
    leftovers = [p for p in (tmp_path / "cache" / "work").rglob("*")] if (tmp_path / "cache" / "work").exists() \
        else []
    assert not [p for p in leftovers if p.is_dir() and p.name.startswith("store")]
    assert not any(str(os.getpid()) in p.name for p in out.iterdir())


def test_the_limit_of_a_query_yields_as_many_rows_and_columns_as_its_answer() -> None:
    import pyoxigraph as ox

    from bench.limits import construct_text, scan_text, verdict
    from kg.sparql import OxigraphBackend

    store = ox.Store()
    node = ox.NamedNode
    store.extend(ox.Quad(node(f"https://example.org/s{i}"), node("https://example.org/p"), ox.Literal(str(i)))
                 for i in range(50))
    backend = OxigraphBackend(store)
    scan = backend.execute(scan_text(30, 14), {}, limit=None)
    assert (len(scan.rows), len(scan.variables)) == (30, 14)
    assert all(row[3] == row[0] and row[13] == row[1] for row in scan.rows)  # copies of s, p, o, materialised too
    assert len(backend.execute(construct_text(20), {}, limit=None).triples) == 20
    # Under 100 rows: 20 ms whatever the limit; above: twice the limit, at most 200 ms while the limit is under it.
    assert verdict({"p50_ms": 19.0, "rows": 99, "limit_p50_ms": 1.0})["met"] is True
    assert verdict({"p50_ms": 199.0, "rows": 100, "limit_p50_ms": 120.0}) == {"allowed_ms": 200.0,
                                                                               "ratio": 199.0 / 120.0, "met": True}
    assert verdict({"p50_ms": 201.0, "rows": 100, "limit_p50_ms": 150.0})["met"] is False
    assert verdict({"p50_ms": 590.0, "rows": 20000, "limit_p50_ms": 300.0})["met"] is True
    assert verdict({"p50_ms": 590.0, "rows": 5, "limit_p50_ms": 300.0}, bound=False)["met"] is True
