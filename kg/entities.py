"""The entity vocabulary: labels, synonyms, types and public identifiers of what claims talk about.

It lives in ``DATA/entities.yaml``. An entity's ``id`` is a CURIE: a public identifier when a checked one
exists (``CHEBI:6121``), else a project identifier (``ent:chronic-migraine``). Only checked identifiers go in
``exact_matches``; candidates go in ``close_matches`` until confirmed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import _yaml, iris
from .errors import DataError, Problem
from .model import Entity, Location
from .vocab import EntityType

__all__ = ["ENTITIES_FILE", "load_entities"]

ENTITIES_FILE = "entities.yaml"


def load_entities(data_dir: Path) -> dict[str, Entity]:
    """Load the entity vocabulary, keyed by expanded IRI.

    Raises:
        DataError: with every problem found, each with its file and line.
    """
    path = data_dir / ENTITIES_FILE
    name = f"{data_dir.name}/{ENTITIES_FILE}"
    if not path.exists():
        return {}
    raw = _yaml.load(path, label=name)
    if not isinstance(raw, dict) or not isinstance(raw.get("entities"), list):
        raise DataError([Problem("must be a mapping with a list under 'entities'", file=name)])
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    for item in raw["entities"]:
        if not isinstance(item, _yaml.LocatedDict):
            problems.append(Problem("each entity must be a mapping with id, label and type", file=name))
            continue
        found = _entity(item, name, problems)
        if found is None:
            continue
        if found.iri in entities:
            first = entities[found.iri].location
            problems.append(Problem(f"entity {found.curie} is defined twice (first at {first}): merge the two",
                                    file=name, line=item.line))
            continue
        entities[found.iri] = found
    if problems:
        raise DataError(problems)
    return entities


def _entity(item: _yaml.LocatedDict, name: str, problems: list[Problem]) -> Entity | None:
    before = len(problems)
    for key in ("id", "label", "type"):
        if not item.get(key):
            problems.append(Problem(f"required field {key!r} is missing", file=name, line=item.line))
    if len(problems) > before:
        return None
    curie = str(item["id"])
    iri = _expand(curie, name, item.line_of("id"), problems)
    type_ = item["type"]
    if type_ not in {t.value for t in EntityType}:
        problems.append(Problem(f"unknown type {type_!r}; allowed: {EntityType.allowed()}", file=name,
                                line=item.line_of("type")))
    lists = {}
    for key in ("synonyms", "exact_matches", "close_matches", "broader"):
        value = item.get(key) or []
        if not isinstance(value, list):
            problems.append(Problem(f"{key!r} must be a list", file=name, line=item.line_of(key)))
            value = []
        lists[key] = value
    matches = {key: tuple(_expand(str(c), name, item.line_of(key), problems) or "" for c in lists[key])
               for key in ("exact_matches", "close_matches", "broader")}
    if len(problems) > before or iri is None:
        return None
    return Entity(
        iri=iri, curie=curie, label=str(item["label"]), type=EntityType(type_),
        synonyms=tuple(str(s) for s in lists["synonyms"]), description=_opt(item.get("description")),
        exact_matches=matches["exact_matches"], close_matches=matches["close_matches"],
        broader=matches["broader"], location=Location(name, item.line),
    )


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _expand(reference: str, name: str, line: int, problems: list[Problem]) -> str | None:
    try:
        return iris.expand(reference)
    except ValueError as err:
        problems.append(Problem(str(err), file=name, line=line))
        return None
