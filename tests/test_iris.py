"""The IRIs of a claim's parts are made, and taken apart, in ``kg/iris.py`` only."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

import pytest

from kg.iris import ClaimIris, claim_iri, claim_iris, document_iri, key_of, link_iri, nanopub_iri, owner_iri

PACKAGE = Path(__file__).resolve().parents[1] / "kg"
KEY = "0123456789abcdef"
ID = "https://w3id.org/cekg/id/"

#: Text that builds the IRI of a claim's part: an id prefix (``claim/``, ``np/``) or the suffix of a part. HTML's
#: ``</head>`` is not one, nor ``/header``, nor the ``claims/`` folder.
_PART = re.compile(r"(?<![\w.-])(?:claim|np)/|(?<![<\w])/(?:quantity|anchor|quote|position|annotation|head|assertion"
                   r"|provenance|pubinfo)\b")
#: The names of a nanopublication's graphs, which a loop may join to its IRI one by one.
_GRAPH_NAMES = {"head", "assertion", "provenance", "pubinfo"}


def test_the_iris_of_a_known_key() -> None:
    assert claim_iris(KEY) == ClaimIris(
        key=KEY,
        node=f"{ID}claim/{KEY}",
        quantity=f"{ID}claim/{KEY}/quantity",
        anchor=f"{ID}claim/{KEY}/anchor",
        quote=f"{ID}claim/{KEY}/anchor/quote",
        position=f"{ID}claim/{KEY}/anchor/position",
        annotation=f"{ID}claim/{KEY}/annotation",
        nanopub=f"{ID}np/{KEY}",
        head=f"{ID}np/{KEY}/head",
        assertion=f"{ID}np/{KEY}/assertion",
        provenance=f"{ID}np/{KEY}/provenance",
        pubinfo=f"{ID}np/{KEY}/pubinfo",
    )
    assert claim_iris(KEY).node == claim_iri(KEY)
    assert claim_iris(KEY).nanopub == nanopub_iri(KEY)


def test_the_key_comes_back_from_every_iri_of_the_claim() -> None:
    parts = claim_iris(KEY)
    iris = [getattr(parts, field.name) for field in fields(parts) if field.name != "key"]
    assert len(set(iris)) == 11
    assert {key_of(iri) for iri in iris} == {KEY}
    assert set(parts.statement_subjects) | set(parts.graphs) <= set(iris)


def test_the_parts_of_the_statement_view_hang_under_their_claim_or_document() -> None:
    parts = claim_iris(KEY)
    assert {owner_iri(iri) for iri in parts.statement_subjects} == {parts.node}
    sha256 = "ab" * 32
    assert owner_iri(link_iri(sha256, "https://example.org/", 12)) == owner_iri(document_iri(sha256)) == document_iri(
        sha256)
    assert [owner_iri(iri) for iri in parts.graphs] == list(parts.graphs)


@pytest.mark.parametrize("iri", [
    f"{ID}doc/{KEY}",
    f"{ID}doc/{KEY}/link/0123456789ab",
    f"{ID}agent/someone",
    f"{ID}claim/{KEY}/elsewhere",
    f"{ID}claim/{KEY}/quantity/more",
    f"{ID}np/{KEY}/anchor",
    f"{ID}claim/",
    f"https://example.org/claim/{KEY}",
    f"<{ID}claim/{KEY}>",
])
def test_an_iri_that_is_not_a_claims_is_refused(iri: str) -> None:
    with pytest.raises(ValueError, match="is not the IRI of a claim or of one of its parts"):
        key_of(iri)


def _docstrings(tree: ast.AST) -> set[int]:
    """Return the ids of the string constants that stand alone as statements (docstrings and the like)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def iri_surgery(source: str, name: str) -> list[str]:
    """Return ``file:line: text`` for each string in Python source that builds the IRI of a claim's part."""
    tree = ast.parse(source)
    skipped = _docstrings(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            if _PART.search(node.value):
                found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            names = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if len(names & _GRAPH_NAMES) >= 2:
                found.append((node.lineno, f"{sorted(names & _GRAPH_NAMES)}, the names of a nanopublication's graphs"))
    return [f"{name}:{line}: {text}" for line, text in sorted(found)]


def test_no_module_but_iris_makes_the_iris_of_a_claims_parts() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "iris.py"
             for hit in iri_surgery(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))]
    assert not found, "make these IRIs with kg.iris.claim_iris (and read keys with kg.iris.key_of):\n" + "\n".join(
        found)


@pytest.mark.parametrize(("source", "hits"), [
    ('quantity = node[:-1] + "/quantity>"\n', 1),
    ('position = anchor[:-1] + "/position>"\n', 1),
    ('iri = f"{ID}claim/{key}"\n', 1),
    ('iri = f"{ID}np/{key}/head"\n', 2),
    ('graphs = [f"{np}/{g}" for g in ("head", "assertion", "provenance", "pubinfo")]\n', 1),
    ('SUBJECTS = ("", "/quantity", "/anchor", "/anchor/quote", "/anchor/position")\n', 4),
    ('page = "<html><head></head><body></body></html>"\n', 0),
    ('def f() -> None:\n    """Read the claim/np/ IRIs and their /head graphs."""\n', 0),
    ('folder = data / "claims/"\nquery = "PREFIX np: <http://www.nanopub.org/nschema#>"\n', 0),
    ('vars = document["head"]["vars"]\n', 0),
], ids=["quantity", "position", "claim-prefix", "nanopub-graph", "graph-names", "suffix-list", "html",
        "docstring", "sparql-and-folders", "json-head"])
def test_the_search_finds_iri_surgery_and_nothing_else(source: str, hits: int) -> None:
    assert len(iri_surgery(source, "x.py")) == hits
