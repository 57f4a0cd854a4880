"""Golden expectations for the curated claims of the three corpus documents."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml

from kg import _yaml
from kg.corpus import Corpus
from kg.iris import expand
from kg.vocab import Bound, Category, CitationStatus, Modality, Polarity

ARTICLE_CLAIMS_BY_CATEGORY = {
    "history": {
        "article-history-dissociative-anesthetic",
        "article-history-upper-respiratory",
        "article-history-emergency-medicine",
    },
    "indication": {
        "article-indication-depression",
        "article-indication-anxiety",
        "article-indication-ptsd",
        "article-indication-otc-medication",
        "article-indication-lifestyle-change",
        "article-indication-new-option",
    },
    "prevalence": {"article-prevalence-us"},
    "presentation": {"article-presentation-headaches", "article-presentation-chronic-aggressive"},
    "efficacy": {
        "article-efficacy-frequency",
        "article-efficacy-severity",
        "article-efficacy-quality-of-life",
        "article-efficacy-promising-potential",
    },
    "mechanism": {
        "article-mechanism-not-understood",
        "article-mechanism-nmda-blockade",
        "article-mechanism-reduces-pain",
        "article-mechanism-reduces-inflammation",
    },
    "research-status": {
        "article-research-long-term-effects",
        "article-research-preventive",
        "article-research-promising-new-class",
        "article-research-possible-standard",
    },
    "access-and-cost": {
        "article-access-not-covered",
        "article-access-expensive",
        "article-access-limited",
        "article-access-challenges-affordability",
        "article-access-challenges-regulation",
        "article-access-challenges-access",
    },
    "regulatory-status": {"article-regulatory-off-label"},
    "adverse-effect": {"article-adverse-nausea", "article-adverse-vomiting", "article-adverse-hallucinations"},
}


def test_article_claims_per_category_are_exactly_the_golden_set(corpus: Corpus) -> None:
    found: dict[str, set[str]] = defaultdict(set)
    for claim in corpus.claims:
        if claim.document == "ketamine-migraine-article":
            found[claim.category.value].add(claim.id)
    assert dict(found) == ARTICLE_CLAIMS_BY_CATEGORY


def test_every_category_of_the_model_is_used_by_the_article(corpus: Corpus) -> None:
    used = {c.category for c in corpus.claims if c.document == "ketamine-migraine-article"}
    assert used == set(Category)


def test_claims_per_document(corpus: Corpus) -> None:
    counts: dict[str, int] = defaultdict(int)
    for claim in corpus.claims:
        counts[claim.document] += 1
    assert dict(counts) == {
        "ketamine-migraine-article": 34,
        "fda-label-ketamine-injection": 18,
        "ny-dfs-appeal-202308-166215": 17,
    }


def test_prevalence_claim_is_over_39_million_in_the_us_attributed_to_the_foundation(corpus: Corpus) -> None:
    claim = next(c for c in corpus.claims if c.id == "article-prevalence-us")
    assert claim.subject == expand("MONDO:0005277")
    assert claim.object is None and claim.quantity is not None
    assert claim.quantity.value == Decimal(39_000_000)
    assert claim.quantity.bound is Bound.OVER
    assert claim.quantity.place == expand("wikidata:Q30")
    assert claim.quantity.population == "individuals who experience migraines"
    assert claim.attributed_to == expand("ent:migraine-research-foundation")
    assert claim.citation is CitationStatus.NAMED_UNREFERENCED
    assert "over 39 million individuals in the United States" in claim.anchor.quote


def test_efficacy_claim_is_hedged_attributed_to_nimh_and_non_traceable(corpus: Corpus) -> None:
    claims = [c for c in corpus.claims if c.id in ("article-efficacy-frequency", "article-efficacy-severity")]
    assert len(claims) == 2
    for claim in claims:
        assert claim.modality is Modality.HEDGED
        assert set(claim.cues) == {"suggests", "may"}
        assert claim.attributed_to == expand("ror:04xeg9z08")
        assert claim.citation is CitationStatus.NAMED_UNREFERENCED
        assert claim.citation.eco == "http://purl.obolibrary.org/obo/ECO_0000034"
        assert claim.polarity is Polarity.AFFIRMED
        assert claim.object == expand("ent:chronic-migraine")
    assert {c.predicate for c in claims} == {expand("cekg:reducesFrequencyOf"), expand("cekg:reducesSeverityOf")}


def test_adverse_effects_use_the_hp_identifiers(corpus: Corpus) -> None:
    adverse = {c.object for c in corpus.claims
               if c.document == "ketamine-migraine-article" and c.category is Category.ADVERSE_EFFECT}
    assert adverse == {
        "http://purl.obolibrary.org/obo/HP_0002018",  # nausea
        "http://purl.obolibrary.org/obo/HP_0002013",  # vomiting
        "http://purl.obolibrary.org/obo/HP_0000738",  # hallucinations
    }


def test_off_label_claim_names_the_fda_for_migraine(corpus: Corpus) -> None:
    claim = next(c for c in corpus.claims if c.id == "article-regulatory-off-label")
    assert claim.category is Category.REGULATORY_STATUS
    assert claim.object == expand("MESH:D056687")
    assert claim.agency == expand("wikidata:Q204711")
    assert claim.jurisdiction == expand("wikidata:Q30")
    assert claim.condition == expand("MONDO:0005277")
    assert "FDA guidelines" in claim.anchor.quote


def test_mechanism_is_speculative_and_attributed_to_unnamed_researchers(corpus: Corpus) -> None:
    claim = next(c for c in corpus.claims if c.id == "article-mechanism-nmda-blockade")
    assert claim.object == expand("GO:0017146")
    assert claim.modality is Modality.SPECULATIVE
    assert "researchers believe" in claim.cues
    assert claim.attributed_to == expand("ent:unnamed-researchers")
    not_understood = next(c for c in corpus.claims if c.id == "article-mechanism-not-understood")
    assert not_understood.polarity is Polarity.NEGATED


def test_access_claims_include_the_negated_insurance_coverage(corpus: Corpus) -> None:
    claim = next(c for c in corpus.claims if c.id == "article-access-not-covered")
    assert claim.polarity is Polarity.NEGATED
    assert claim.anchor.quote == "Currently, the treatment is not covered by insurance"


def test_promotional_link_is_a_document_feature(corpus: Corpus) -> None:
    article = corpus.documents["ketamine-migraine-article"]
    assert [(link.url, link.promotional) for link in article.links] == [
        ("https://www.nepenthewellness.com/ketamine-therapy/", True)
    ]
    label = corpus.documents["fda-label-ketamine-injection"]
    assert [(link.url, link.promotional) for link in label.links] == [("www.fda.gov/medwatch", False)]


def test_cross_document_supports_and_challenges(corpus: Corpus) -> None:
    claims = {c.id: c for c in corpus.claims}
    assert "article-efficacy-frequency" in claims["appeal-efficacy-controlled-studies-lacking"].challenges
    assert "article-indication-new-option" in claims["appeal-indication-not-indicated"].challenges
    assert "article-regulatory-off-label" in claims["label-indication-sole-anesthetic"].supports
    assert "article-access-not-covered" in claims["appeal-access-insurer-denied"].supports
    cross = [(c.document, target) for c in corpus.claims for target in (*c.supports, *c.challenges)
             if claims[target].document != c.document]
    assert len(cross) >= 15
    assert {doc for doc, _ in cross} == {"fda-label-ketamine-injection", "ny-dfs-appeal-202308-166215"}


def test_every_quote_sits_at_its_offsets_in_the_hashed_text(corpus: Corpus) -> None:
    import hashlib

    for claim in corpus.claims:
        document = corpus.documents[claim.document]
        assert hashlib.sha256(document.text.encode("utf-8")).hexdigest() == claim.document_sha256
        assert document.text[claim.anchor.start: claim.anchor.end] == claim.anchor.quote, claim.id
        assert document.text[: claim.anchor.start].endswith(claim.anchor.prefix), claim.id
        assert document.text[claim.anchor.end:].startswith(claim.anchor.suffix), claim.id


def test_document_texts_are_the_corpus_bytes_with_recorded_hashes(corpus: Corpus) -> None:
    expected = {
        "ketamine-migraine-article": "f46061e3a725747dc2bf4bac0c0be10e7ca6002bd79bf7a88e7e27eb57c70653",
        "fda-label-ketamine-injection": "f672d34e7b3536eaa66e799b0dbb84eb6fbcf9c83b55bedb754bd82ac811df61",
    }
    for doc_id, digest in expected.items():
        assert corpus.documents[doc_id].sha256 == digest
        assert corpus.documents[doc_id].text_sha256 == digest


def test_yaml_scalars_resolve_as_in_pyyaml(tmp_path: Path) -> None:
    text = ("a: yes\nb: null\nc: ~\nd: 1.5\ne: 12\nf: 2023-02\ng: 2023-02-01\nh: 0x1F\ni: .inf\nj: Cebuxvir may help\n"
            "k: on\nl: ''\nm:\nn: '12'\no: -3\np: <<not a merge\n")
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = _yaml.load(path)
    expected = yaml.safe_load(text)
    expected["f"], expected["g"] = "2023-02", "2023-02-01"  # dates stay the text the curator wrote
    assert loaded == expected
    assert [type(v) for v in loaded.values()] == [type(v) for v in expected.values()]
    assert loaded.line_of("j") == 10
