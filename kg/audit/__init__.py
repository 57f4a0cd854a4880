"""The evidence audit: for a question, every claim on it, who makes it, how firmly, on what evidence, and what
stands against it, with a certainty level derived by rules anyone can read (:mod:`kg.certainty`).

>>> from kg.audit import audit, write                                           # doctest: +SKIP
>>> evidence = audit(".kg/store", subject="CHEBI:6121", category="efficacy")  # doctest: +SKIP
>>> print(write(evidence, "markdown"))                                         # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..certainty import RuleSet, load_rules
from ..errors import UsageError
from ..sparql.claims import StatementView
from ..store import open_store
from ..vocab import Category
from .gather import AuditedClaim, Evidence, Question, Stance, gather, resolve
from .page import as_html
from .render import AuditFormat, as_json, as_markdown, as_table
from .summary import summary

__all__ = ["AuditFormat", "AuditedClaim", "Evidence", "Question", "Stance", "audit", "summary", "write"]


def audit(store: str | Path | ox.Store, *, subject: str | None = None, predicate: str | None = None,
          obj: str | None = None, category: str | Category | None = None, exact: bool = False,
          rules: str | Path | RuleSet | None = None) -> Evidence:
    """Return the evidence on a question asked of the built store.

    Args:
        store: the store folder built by ``kg build``, or a store already open.
        subject, predicate, obj: CURIEs or IRIs (an entity, a claim predicate such as ``cekg:treats``, an entity;
            the object also matches the condition a claim is restricted to).
        category: a claim category (``efficacy``, ``adverse-effect`` ...).
        exact: the entities themselves only; by default everything narrower counts too (``skos:broader``).
        rules: a certainty rule file (or rule set); by default the shipped ``ontology/certainty.yaml``.

    Raises:
        UsageError: nothing is asked, or an entity, predicate or category is not in the graph (the message names
            the closest ones).
        DataError: the rule file is invalid.
    """
    rule_set = rules if isinstance(rules, RuleSet) else load_rules(Path(rules) if rules else None)
    if isinstance(category, str) and not isinstance(category, Category):
        try:
            category = Category(category)
        except ValueError:
            raise UsageError(f"unknown category {category!r}: use one of {Category.allowed()}") from None
    if isinstance(store, ox.Store):
        return _ask(store, subject, predicate, obj, category, exact, rule_set)
    with open_store(Path(store)) as opened:
        return _ask(opened, subject, predicate, obj, category, exact, rule_set)


def _ask(store: ox.Store, subject: str | None, predicate: str | None, obj: str | None, category: Category | None,
         exact: bool, rules: RuleSet) -> Evidence:
    view = StatementView(store)
    question = Question(
        subject=resolve(subject, view, "subject") if subject else None,
        predicate=resolve(predicate, view, "predicate", predicate=True) if predicate else None,
        object=resolve(obj, view, "object") if obj else None,
        category=category, exact=exact)
    return gather(store, question, rules)


def write(evidence: Evidence, fmt: AuditFormat | str = AuditFormat.TABLE) -> str:
    """Return the evidence written in a format: ``table``, ``markdown``, ``json`` or ``html``."""
    fmt = AuditFormat(fmt)
    return {AuditFormat.TABLE: as_table, AuditFormat.MARKDOWN: as_markdown, AuditFormat.JSON: as_json,
            AuditFormat.HTML: as_html}[fmt](evidence)
