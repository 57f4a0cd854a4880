"""A synthetic corpus shaped like the curated one, deterministic by seed, that ``kg validate`` accepts.

``generate(out, claims=N, seed=S)`` writes a data folder of the same shape as ``data/``: ``documents/<id>/``
(``text.txt`` and ``meta.yaml`` with the text's SHA-256 and its outbound links), ``entities.yaml`` (a vocabulary of
a few thousand invented entities in the project's ``ent:`` namespace) and ``claims/<id>.yaml`` with exactly N
claims, 20 to 40 a document. Every claim's quote is a sentence of its document's text at the claim's offsets,
carrying the cue words of its modality and the negation of a negated claim; every facet of the claim model occurs
in the proportions of :mod:`bench.synth.proportions`. The same arguments always give byte-identical files.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate(pathlib.Path(tmp) / "data", claims=50, seed=7, entities=200)
>>> (summary.claims, summary.documents)
(50, 2)
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from kg.documents import find_links, sha256_text
from kg.files import atomic_folder
from kg.iris import document_iri

from . import proportions as P
from .words import BOUND_WORDS, FILLERS, HEDGES, NOTES, ROUTES, SPECULATIONS, VERBS, Namer

__all__ = ["DEFAULT_ENTITIES", "Summary", "generate"]

#: Size of the entity vocabulary unless told otherwise.
DEFAULT_ENTITIES = 3000
_CURATORS = ("synthetic curator a", "synthetic curator b", "synthetic curator c")
_EXTRACTOR = {"name": "synthetic-extractor", "version": "0.1"}
try:  # the C emitter writes the same YAML several times faster
    _DUMPER: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _DUMPER = yaml.SafeDumper


@dataclass(frozen=True)
class Summary:
    """What :func:`generate` wrote, with values that occur in it for the query library's parameters.

    Attributes:
        claims: claims written (exactly the number asked for).
        documents: documents written.
        entities: entities in the vocabulary.
        seed: the seed used.
        samples: by query parameter name, the busiest value of the corpus (the most used drug, condition and
            agent, the document with the most claims and its first claim, the affirmed edge claimed most often);
            CURIEs or IRIs, claim ids as plain text.
    """

    claims: int
    documents: int
    entities: int
    seed: int
    samples: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as plain data (for JSON)."""
        return asdict(self)


class _Choice:
    """Weighted draws from a fixed table, in O(log n) each."""

    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


class _Vocabulary:
    """Invented entities of every type; a few are used often and most rarely (Zipf-like), as in real corpora."""

    def __init__(self, rng: random.Random, size: int) -> None:
        namer = Namer(rng)
        total = sum(P.ENTITY_TYPES.values())
        self.by_type: dict[str, list[dict[str, Any]]] = {}
        self.draws: dict[str, _Choice] = {}
        for entity_type, count in P.ENTITY_TYPES.items():
            members: list[dict[str, Any]] = []
            for number in range(1, max(5, round(size * count / total)) + 1):
                entity: dict[str, Any] = {"id": f"ent:synth-{entity_type}-{number:04d}",
                                          "label": namer.label(entity_type), "type": entity_type}
                if rng.random() < 0.4:
                    entity["synonyms"] = [namer.label(entity_type) for _ in range(rng.choice((1, 1, 2)))]
                if rng.random() < 0.03:
                    entity["description"] = f"An invented {entity_type} of the synthetic benchmark corpus."
                if members and rng.random() < 0.15:
                    entity["close_matches"] = [rng.choice(members)["id"]]
                if members and rng.random() < 0.02:
                    entity["broader"] = [rng.choice(members)["id"]]
                members.append(entity)
            self.by_type[entity_type] = members
            self.draws[entity_type] = _Choice({i: 1 / (i + 1) for i in range(len(members))})

    def __len__(self) -> int:
        return sum(len(members) for members in self.by_type.values())

    def pick(self, rng: random.Random, entity_type: str, count: int = 1) -> list[dict[str, Any]]:
        """Return ``count`` distinct entities of a type, the often used ones more likely."""
        members, draw = self.by_type[entity_type], self.draws[entity_type]
        chosen: dict[int, None] = {}
        while len(chosen) < count:
            chosen[draw.draw(rng)] = None
        return [members[i] for i in chosen]

    def entries(self) -> list[dict[str, Any]]:
        return [entity for members in self.by_type.values() for entity in members]


def _mean(distribution: Mapping[int, int]) -> float:
    return sum(k * n for k, n in distribution.items()) / sum(distribution.values())


# A sentence lists one to three objects, so sentences are drawn with weights that make the *claims* come out in
# the curated proportions; quantity sentences carry one claim and are always affirmed and asserted.
_MEAN_OBJECTS = _mean(P.OBJECTS_PER_QUOTE)
_SENTENCE_KINDS = _Choice({pair: count / (1 if pair[1] in P.QUANTITY_PREDICATES else _MEAN_OBJECTS)
                           for pair, count in P.PREDICATES.items()})
_QUANTITY_SHARE = (sum(n for (_, p), n in P.PREDICATES.items() if p in P.QUANTITY_PREDICATES)
                   / sum(P.PREDICATES.values()))
_NEGATED = P.share(P.NEGATED) / (1 - _QUANTITY_SHARE)
_HEDGED_OR_SPECULATIVE = (1 - P.MODALITY["asserted"] / sum(P.MODALITY.values())) / (1 - _QUANTITY_SHARE)
_MODALITY = _Choice({name: count for name, count in P.MODALITY.items() if name != "asserted"})
_OBJECTS = _Choice(dict(P.OBJECTS_PER_QUOTE))
_CHALLENGES = _Choice(dict(P.CHALLENGES))
_KINDS = _Choice(dict(P.DOCUMENT_KINDS))
_ATTRIBUTION = _Choice(dict(P.ATTRIBUTION_TYPES))
_CITED = _Choice(dict(P.CITATION_IF_ATTRIBUTED))
_UNCITED = _Choice(dict(P.CITATION_IF_NOT_ATTRIBUTED))


def _listing(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    if len(labels) == 2:
        return f"{labels[0]} and {labels[1]}"
    return ", ".join(labels[:-1]) + f", and {labels[-1]}"


class _Writer:
    """Writes one document after another, keeping what later documents and the summary need."""

    def __init__(self, rng: random.Random, vocabulary: _Vocabulary, out: Path) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        self.out = out
        self.claim_ids: list[str] = []
        self.used: dict[str, Counter[str]] = {"drug": Counter(), "disease": Counter(), "agent": Counter()}
        #: Claims per document IRI, the first claim id of each, and claims per affirmed edge (for the samples).
        self.documents: Counter[str] = Counter()
        self.first_claims: dict[str, str] = {}
        self.edges: Counter[tuple[str, str, str]] = Counter()

    # -- one statement: a sentence and the claims it makes ------------------------------------------------------

    def _quantity(self, predicate: str, subject: dict[str, Any], claim: dict[str, Any]) -> str:
        rng, label = self.rng, subject["label"]
        if predicate == "hasStrength":
            value = rng.choice((0.5, 1, 2.5, 10, 50, 100))
            claim["quantity"] = {"value": value, "unit": "mg/mL"}
            claim["route"] = rng.choice(ROUTES)
            return f"{label} is supplied at {value:g} mg/mL for {claim['route']}"
        if predicate == "firstApprovedIn":
            year = rng.randint(1955, 2024)
            agency, place = self.vocabulary.pick(rng, "organization")[0], self.vocabulary.pick(rng, "place")[0]
            claim["quantity"] = {"value": year, "unit": "year", "year": year, "place": place["id"]}
            claim["agency"], claim["jurisdiction"] = agency["id"], place["id"]
            return f"{label} was first approved in {place['label']} by the {agency['label']} in {year}"
        bound = rng.choice(("over", "over", "about", "about", "under", "at-least", "at-most", "exactly"))
        value = rng.randint(2, 900) * rng.choice((1000, 10000, 100000))
        place = self.vocabulary.pick(rng, "place")[0]
        quantity: dict[str, Any] = {"value": value, "unit": "people", "bound": bound,
                                    "population": f"people who live with {label}", "place": place["id"]}
        text = f"{BOUND_WORDS[bound]} {value:,} people in {place['label']} live with {label}"
        if rng.random() < 0.5:
            quantity["year"] = rng.randint(2000, 2024)
            text += f" as of {quantity['year']}"
        claim["quantity"] = quantity
        return text

    def _qualify(self, claim: dict[str, Any]) -> str:
        """Add qualifiers in the curated proportions; return the words the sentence says them with."""
        rng, vocabulary, words = self.rng, self.vocabulary, []
        if rng.random() < P.share((P.QUALIFIERS["condition"], 69)):
            condition = vocabulary.pick(rng, "disease")[0]
            claim["condition"] = condition["id"]
            words.append(f" in patients with {condition['label']}")
        if rng.random() < P.share((P.QUALIFIERS["population"], 69)):
            population = vocabulary.pick(rng, "population")[0]
            claim["population"] = population["id"]
            words.append(f" among {population['label']}")
        if rng.random() < P.share((P.QUALIFIERS["jurisdiction"], 69)) and "jurisdiction" not in claim:
            place = vocabulary.pick(rng, "place")[0]
            claim["jurisdiction"] = place["id"]
            words.append(f" in {place['label']}")
        if rng.random() < P.share((P.QUALIFIERS["agency"], 69)) and "agency" not in claim:
            agency = vocabulary.pick(rng, "organization")[0]
            claim["agency"] = agency["id"]
            words.append(f" under the rules of the {agency['label']}")
        if rng.random() < P.share((P.QUALIFIERS["route"], 69)) and "route" not in claim:
            claim["route"] = rng.choice(ROUTES)
            words.append(f" given as {claim['route']}")
        return "".join(words)

    def statement(self, room: int) -> tuple[str, str, list[dict[str, Any]], str]:
        """Return a sentence's quote, what follows it in the sentence, its claims (at most ``room``) and subject."""
        rng, vocabulary = self.rng, self.vocabulary
        category, predicate = _SENTENCE_KINDS.draw(rng)
        subject = vocabulary.pick(rng, P.SUBJECT_TYPE.get(category, "drug"))[0]
        base: dict[str, Any] = {"category": category, "subject": subject["id"], "predicate": f"cekg:{predicate}"}
        negated, modality = False, "asserted"
        cues: tuple[str, ...] = ()
        objects: list[dict[str, Any] | None] = [None]
        if predicate in P.QUANTITY_PREDICATES:
            clause = self._quantity(predicate, subject, base)
        else:
            picked = vocabulary.pick(rng, P.OBJECT_TYPE[predicate], min(room, _OBJECTS.draw(rng)))
            objects = list(picked)
            negated = rng.random() < _NEGATED
            if rng.random() < _HEDGED_OR_SPECULATIVE:
                modality = _MODALITY.draw(rng)
            verb = VERBS[predicate]
            said = _listing([o["label"] for o in picked]) + self._qualify(base)
            if modality == "asserted":
                clause = f"{subject['label']} {verb.denied if negated else verb.third} {said}"
            else:
                # "has the potential to not treat" is not English: denials take a modal verb.
                phrasings = [p for p in (HEDGES if modality == "hedged" else SPECULATIONS)
                             if not (negated and "potential" in p[0])]
                template, cues = rng.choice(phrasings)
                clause = template.format(s=subject["label"], v=("not " if negated else "") + f"{verb.base} {said}")
                clause = clause.replace("can not ", "cannot ")
        attributed = rng.random() < P.share(P.ATTRIBUTED)
        if attributed:
            agent = vocabulary.pick(rng, _ATTRIBUTION.draw(rng))[0]
            base["attributed_to"] = agent["id"]
            self.used["agent"][agent["id"]] += 1
            lead = {"study": "in", "organization": "according to the"}.get(agent["type"], "according to")
            clause = f"{lead} {agent['label']}, {clause}"
        quote = clause[0].upper() + clause[1:]
        citation = (_CITED if attributed else _UNCITED).draw(rng)
        after = ""
        if citation == "traceable":
            reference = f"https://doi.org/10.5555/synth.{len(self.claim_ids) + 1}"
            base["references"] = [reference]
            after = f" ({reference})"
        if rng.random() < P.share(P.NOTE):
            base["note"] = rng.choice(NOTES)
        self.used["drug" if subject["type"] == "drug" else "disease"][subject["id"]] += 1
        claims = []
        for obj in objects:
            claim = {"category": category, "subject": subject["id"], "predicate": base["predicate"]}
            if obj is not None:
                claim["object"] = obj["id"]
                if obj["type"] == "disease":
                    self.used["disease"][obj["id"]] += 1
            claim |= {k: v for k, v in base.items() if k not in claim and k not in ("references", "note")}
            claim |= {"polarity": "negated" if negated else "affirmed", "modality": modality}
            if cues:
                claim["cues"] = list(cues)
            claim["citation"] = citation
            if "references" in base:
                claim["references"] = base["references"]
            claim["quote"] = quote
            if "note" in base:
                claim["note"] = base["note"]
            claims.append(claim)
        return quote, after, claims, subject["label"]

    # -- one document --------------------------------------------------------------------------------------------

    def document(self, number: int, size: int) -> int:
        """Write document ``number`` with ``size`` claims; return how many claims it holds."""
        rng = self.rng
        doc_id = f"synth-{number:06d}"
        kind = _KINDS.draw(rng)
        statements, count = [], 0
        while count < size:
            statement = self.statement(size - count)
            statements.append(statement)
            count += len(statement[2])
        title = f"{statements[0][3].capitalize()}: what the {kind.replace('-', ' ')} says (synthetic {number})"
        pieces, length, anchored = [title, "\n\n"], len(title) + 2, []
        for index, (quote, after, claims, _) in enumerate(statements):
            if index and index % rng.randint(3, 6) == 0:
                pieces.append("\n\n")
                length += 2
            elif index:
                pieces.append(" ")
                length += 1
            if rng.random() < 0.12:
                filler = rng.choice(FILLERS) + " "
                pieces.append(filler)
                length += len(filler)
            for claim in claims:
                claim["start"], claim["end"] = length, length + len(quote)
                anchored.append(claim)
            sentence = f"{quote}{after}."
            pieces.append(sentence)
            length += len(sentence)
        if rng.random() < 0.3:
            pieces.append(f"\n\nBook a consultation today: visit https://{doc_id}.clinic.example/book")
        if rng.random() < 0.3:
            pieces.append(f"\n\nFull prescribing information: https://labels.example/{doc_id}")
        pieces.append("\n")
        text = "".join(pieces)
        self._relate(anchored, doc_id)
        self._write(doc_id, kind, title, text, anchored, number)
        return len(anchored)

    def _relate(self, claims: list[dict[str, Any]], doc_id: str) -> None:
        """Give ids, then supports and challenges to claims of this or earlier documents."""
        rng = self.rng
        first = len(self.claim_ids)
        for index, claim in enumerate(claims, 1):
            claim["id"] = f"{doc_id}-c{index:03d}"
        self.claim_ids.extend(c["id"] for c in claims)
        def target(position: int) -> str | None:
            # Half the links stay within the document, half reach back to earlier documents.
            if first and (len(claims) == 1 or rng.random() < 0.5):
                return self.claim_ids[rng.randrange(first)]
            if len(claims) == 1:
                return None
            other = rng.randrange(len(claims) - 1)
            return str(claims[other + (other >= position)]["id"])

        for position, claim in enumerate(claims):
            if rng.random() < P.share(P.SUPPORTS):
                found = target(position)
                if found:
                    claim["supports"] = [found]
            wanted = _CHALLENGES.draw(rng)
            if wanted:
                targets = list(dict.fromkeys(t for t in (target(position) for _ in range(wanted)) if t))
                if targets:
                    claim["challenges"] = targets

    def _write(self, doc_id: str, kind: str, title: str, text: str, claims: list[dict[str, Any]],
               number: int) -> None:
        rng = self.rng
        digest = sha256_text(text)
        meta: dict[str, Any] = {"id": doc_id, "title": title, "kind": kind, "sha256": digest,
                                "media_type": "text/plain"}
        if rng.random() < 0.6:
            meta["source"] = f"https://documents.example/{doc_id}"
        if rng.random() < 0.8:
            meta["date"] = f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}"
        if rng.random() < 0.5:
            meta["retrieved"] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        meta["licence"] = "synthetic text, CC0"
        meta["original"] = f"{doc_id}.txt"
        links = find_links(text)
        if links:
            meta["links"] = [{"url": link.url, "start": link.start, "end": link.end, "promotional": link.promotional}
                             | ({"reason": link.reason} if link.reason else {}) for link in links]
        folder = self.out / "documents" / doc_id
        folder.mkdir(parents=True)
        (folder / "text.txt").write_bytes(text.encode("utf-8"))
        (folder / "meta.yaml").write_text(_dump(meta), encoding="utf-8")
        mined = rng.random() < P.share(P.TEXT_MINED_FILES)
        curation: dict[str, Any] = {"method": "text-mining" if mined else "manual",
                                    "curator": rng.choice(_CURATORS), "date": "2025-06-01"}
        if mined:
            for claim in claims:
                claim["extractor"] = dict(_EXTRACTOR)
        order = ("id", "category", "subject", "predicate", "object", "quantity", "condition", "agency",
                 "jurisdiction", "population", "route", "polarity", "modality", "cues", "attributed_to", "citation",
                 "references", "quote", "start", "end", "supports", "challenges", "note", "extractor")
        listed = [{key: claim[key] for key in order if key in claim} for claim in claims]
        header = (f"# Synthetic claims of {doc_id}, written by bench.synth: invented entities and text, in the\n"
                  "# proportions of the curated corpus (see bench/README.md). Not evidence of anything.\n")
        body = _dump({"document": doc_id, "document_sha256": digest, "curation": curation, "claims": listed})
        (self.out / "claims" / f"{doc_id}.yaml").write_text(header + body, encoding="utf-8")
        iri = document_iri(digest)
        self.documents[iri] += len(claims)
        self.first_claims[iri] = claims[0]["id"]
        self.edges.update((c["subject"], c["predicate"], c["object"]) for c in claims
                          if c["polarity"] == "affirmed" and "object" in c)

    def busiest(self) -> dict[str, str]:
        """Return the busiest document (with its first claim) and affirmed edge: the samples of those parameters."""
        found: dict[str, str] = {}
        if self.documents:
            document = self.documents.most_common(1)[0][0]
            found |= {"document": document, "claimId": self.first_claims[document]}
        if self.edges:
            subject, predicate, obj = self.edges.most_common(1)[0][0]
            found |= {"subject": subject, "predicate": predicate, "object": obj}
        return found


def _dump(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=120,
                         default_flow_style=False))


def generate(out: Path, *, claims: int, seed: int = 1, entities: int = DEFAULT_ENTITIES) -> Summary:
    """Write a synthetic data folder with exactly ``claims`` claims; the same arguments give the same bytes.

    The folder is filled beside ``out`` and put in its place only when complete.

    Raises:
        ValueError: ``claims`` or ``entities`` is not positive.
        kg.errors.UsageError: ``out`` cannot be written.
    """
    if claims < 1 or entities < 1:
        raise ValueError("claims and entities must be positive numbers")
    rng = random.Random(seed)
    vocabulary = _Vocabulary(rng, entities)
    low, high = P.CLAIMS_PER_DOCUMENT
    with atomic_folder(out) as staging:
        (staging / "documents").mkdir()
        (staging / "claims").mkdir()
        writer = _Writer(rng, vocabulary, staging)
        written, number = 0, 0
        while written < claims:
            number += 1
            written += writer.document(number, min(rng.randint(low, high), claims - written))
        header = ("# Synthetic entity vocabulary written by bench.synth: invented names, identifiers in the\n"
                  "# project's own ent: namespace (ent:synth-...), none of them a real public identifier.\n")
        (staging / "entities.yaml").write_text(header + _dump({"entities": vocabulary.entries()}),
                                               encoding="utf-8")
    samples = writer.busiest()
    for name, kind in (("drug", "drug"), ("entity", "drug"), ("condition", "disease"), ("agent", "agent")):
        if writer.used[kind]:
            samples[name] = writer.used[kind].most_common(1)[0][0]
    return Summary(claims=written, documents=number, entities=len(vocabulary), seed=seed, samples=samples)


def fingerprint() -> str:
    """Return a digest of the generator's own source: a cached corpus is stale when it changes."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
