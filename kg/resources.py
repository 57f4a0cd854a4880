"""Where the shipped ontology, shapes, JSON-LD context and query library are.

They live once, at the repository's top level; the wheel carries them under ``kg/_resources``. A source
checkout or an editable install finds them beside the package.
"""

from __future__ import annotations

from pathlib import Path

from .errors import NotFoundError

__all__ = ["certainty_file", "context_file", "ontology_file", "queries_dir", "resource_dir", "shapes_file"]


def resource_dir(name: str) -> Path:
    """Return the folder of a shipped resource (``ontology`` or ``queries``).

    Raises:
        NotFoundError: the installation is incomplete.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise NotFoundError(f"the {name}/ folder is not installed with the package: reinstall it (pip install .)")


def _ontology_resource(name: str) -> Path:
    path = resource_dir("ontology") / name
    if not path.is_file():
        raise NotFoundError(f"{path} is missing from the installation: reinstall the package (pip install .)")
    return path


def ontology_file() -> Path:
    """Return the OWL ontology (Turtle)."""
    return _ontology_resource("cekg.ttl")


def shapes_file() -> Path:
    """Return the SHACL shapes (Turtle)."""
    return _ontology_resource("shapes.ttl")


def certainty_file() -> Path:
    """Return the certainty rule set (YAML; see :mod:`kg.certainty`)."""
    return _ontology_resource("certainty.yaml")


def context_file() -> Path:
    """Return the JSON-LD context."""
    return _ontology_resource("context.jsonld")


def queries_dir() -> Path:
    """Return the folder of the SPARQL query library."""
    return resource_dir("queries")
