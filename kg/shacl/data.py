"""The data graph: the default graph of an Oxigraph store, read a predicate at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from .terms import DEFAULT, SUBCLASS, TYPE, Term

__all__ = ["Data"]


class Data:
    """The default graph of a store, each predicate read once into a map from subject to objects."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._by_predicate: dict[ox.NamedNode, dict[Term, list[Term]]] = {}
        self._superclasses: dict[Term, frozenset[Term]] = {}
        self._instances: dict[Term, list[Term]] | None = None
        self._instance_sets: dict[Term, frozenset[Term]] = {}

    def index(self, predicate: ox.NamedNode) -> Mapping[Term, Sequence[Term]]:
        """Return the objects of ``predicate`` by subject."""
        index = self._by_predicate.get(predicate)
        if index is None:
            index = {}
            for quad in self.store.quads_for_pattern(None, predicate, None, DEFAULT):
                index.setdefault(quad.subject, []).append(quad.object)
            self._by_predicate[predicate] = index
        return index

    def values(self, node: Term, predicate: ox.NamedNode) -> Sequence[Term]:
        """Return the objects of ``node``'s ``predicate``."""
        return self.index(predicate).get(node, ())

    def objects_of(self, predicate: ox.NamedNode) -> Iterator[Term]:
        """Yield the objects of ``predicate``, once per subject that has them."""
        for objects in self.index(predicate).values():
            yield from objects

    def subjects_of(self, predicate: ox.NamedNode) -> Iterable[Term]:
        """Return the subjects of ``predicate``."""
        return self.index(predicate).keys()

    def superclasses(self, cls: Term) -> frozenset[Term]:
        """Return the class and every class it is a subclass of (rdfs:subClassOf*)."""
        found = self._superclasses.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            while todo:
                for parent in self.values(todo.pop(), SUBCLASS):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._superclasses[cls] = frozenset(seen)
        return found

    def has_class(self, node: Term, cls: Term) -> bool:
        """Return whether ``node`` is an instance of ``cls`` or of one of its subclasses."""
        found = self._instance_sets.get(cls)
        if found is None:
            found = self._instance_sets[cls] = frozenset(self.instances(cls))
        return node in found

    def instances(self, cls: Term) -> list[Term]:
        """Return the instances of ``cls`` and of its subclasses."""
        if self._instances is None:
            self._instances = {}
            for node, types in self.index(TYPE).items():
                for found in {c for t in types for c in self.superclasses(t)}:
                    self._instances.setdefault(found, []).append(node)
        return self._instances.get(cls, [])
