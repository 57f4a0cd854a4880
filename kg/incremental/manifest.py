"""The manifest a build leaves in the store folder: what it was built from, document by document.

It records the fingerprints of the ontology, of the entity vocabulary, of the code's version and of each
document's files (``meta.yaml``, ``text.txt`` and its claims file), and for each document the ids and IRIs of its
claims, the claims they name, and the lines it shares with other documents (direct edges, curators).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .. import __version__, iris
from ..build import shared_lines
from ..claims import claims_files, claims_path
from ..documents.folder import document_files, document_ids
from ..entities import ENTITIES_FILE
from ..errors import Message, Option
from ..model import Claim, Document
from ..resources import ontology_file

__all__ = ["FORMAT", "MANIFEST", "RACY_NS", "Fingerprint", "FullBuildNeeded", "Globals", "Unit", "builder_fingerprint",
           "counts", "fingerprint", "manifest_bytes", "read_globals", "read_manifest", "same", "sha256_file",
           "unit_files", "unit_of", "units_in"]

#: The manifest's file name in the store folder.
MANIFEST = "kg-build.json"
FORMAT = 1
#: A file changed this shortly before a build may change again within the same clock tick unseen: it is hashed
#: again next time rather than trusted by its size and time.
RACY_NS = 2_000_000_000

Fingerprint = list[Any]  # [size, mtime_ns, sha256] of a file, as stored in the manifest


# Fingerprints -----------------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(path: Path, recorded: Fingerprint | None, trusted_before: int) -> Fingerprint | None:
    """Return a file's fingerprint, trusting ``recorded`` when size and time agree and the file is not racy."""
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if (recorded is not None and recorded[0] == stat.st_size and recorded[1] == stat.st_mtime_ns
            and stat.st_mtime_ns < trusted_before):
        return recorded
    try:
        return [stat.st_size, stat.st_mtime_ns, sha256_file(path)]
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def same(first: Fingerprint | None, second: Fingerprint | None) -> bool:
    return (first is None) == (second is None) and (first is None or first[2] == second[2])  # type: ignore[index]


def builder_fingerprint() -> str:
    """Return the fingerprint of the code that decides what a build writes (the ontology has its own)."""
    return hashlib.sha256(f"clinical-evidence-kg {__version__}, pyoxigraph {ox.__version__}".encode()).hexdigest()


def unit_files(data_dir: Path, unit: str) -> tuple[Path, Path, Path]:
    return (*document_files(data_dir, unit), claims_path(data_dir, unit))


def units_in(data_dir: Path) -> list[str]:
    """Return the documents of the data folder: each document folder and each claims file."""
    return sorted({*document_ids(data_dir), *(path.stem for path in claims_files(data_dir))})


class FullBuildNeeded(Exception):
    """An incremental build cannot bring the store up to date: a full build is needed, for ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = Message(reason)


@dataclass
class Globals:
    builder: str
    ontology: str
    entities: Fingerprint | None
    include_proposed: bool

    def check(self, manifest: Mapping[str, Any]) -> None:
        """Raise :class:`FullBuildNeeded`, saying what differs, unless these match the manifest's."""
        if manifest.get("builder") != self.builder:
            raise FullBuildNeeded("the build code changed")
        if manifest.get("ontology") != self.ontology:
            raise FullBuildNeeded("ontology changed")
        if not same(manifest.get("entities"), self.entities):
            raise FullBuildNeeded("entities changed")
        if manifest.get("include_proposed") != self.include_proposed:
            raise FullBuildNeeded(f"{Option.INCLUDE_PROPOSED} changed")


def read_globals(data_dir: Path, include_proposed: bool, manifest: Mapping[str, Any] | None) -> Globals:
    trusted = int(manifest["started_ns"]) - RACY_NS if manifest else 0
    recorded = manifest.get("entities") if manifest else None
    return Globals(builder=builder_fingerprint(), ontology=sha256_file(ontology_file()),
                    entities=fingerprint(data_dir / ENTITIES_FILE, recorded, trusted),
                    include_proposed=include_proposed)


# The manifest -----------------------------------------------------------------------------------------------------


@dataclass
class Unit:
    """What the manifest records of one document."""

    files: list[Fingerprint | None]
    sha256: str | None = None
    ids: list[str] = field(default_factory=list)
    built: dict[str, str] = field(default_factory=dict)
    links: list[list[str]] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], table: list[str]) -> Unit:
        return cls(files=list(raw["files"]), sha256=raw.get("sha256"), ids=list(raw["ids"]),
                   built=dict(raw["built"]), links=[list(link) for link in raw["links"]],
                   shared=[table[i] for i in raw["shared"]])

    def to_json(self, index: Mapping[str, int]) -> dict[str, Any]:
        return {"files": self.files, "sha256": self.sha256, "ids": self.ids, "built": self.built,
                "links": self.links, "shared": sorted(index[line] for line in self.shared)}


def unit_of(files: list[Fingerprint | None], document: Document | None, loaded: Iterable[Claim],
          kept: Iterable[Claim], ids: Mapping[str, str]) -> Unit:
    unit = Unit(files=files, sha256=document.sha256 if document else None)
    for claim in loaded:
        unit.ids.append(claim.id)
        unit.links += [[claim.id, target] for target in (*claim.supports, *claim.challenges)]
    shared: dict[str, None] = {}
    for claim in kept:
        unit.built[claim.id] = iris.key_of(ids[claim.id])
        shared.update(dict.fromkeys(shared_lines(claim)))
    unit.shared = list(shared)
    return unit


def manifest_bytes(globals_: Globals, started: int, units: Mapping[str, Unit], *, quads: int,
                    entities: int) -> bytes:
    table = sorted({line for unit in units.values() for line in unit.shared})
    index = {line: i for i, line in enumerate(table)}
    manifest = {
        "format": FORMAT, "builder": globals_.builder, "ontology": globals_.ontology,
        "entities": globals_.entities, "include_proposed": globals_.include_proposed, "started_ns": started,
        "quads": quads, "entity_count": entities, "shared": table,
        "units": {name: units[name].to_json(index) for name in sorted(units)},
    }
    return json.dumps(manifest, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def read_manifest(store_dir: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((store_dir / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def counts(units: Mapping[str, Unit]) -> tuple[int, int]:
    return sum(1 for u in units.values() if u.sha256), sum(len(u.built) for u in units.values())
