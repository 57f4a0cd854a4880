"""Compacting a store once it is fully written, so that every later look-up reads one sorted run of each index.

Oxigraph's bulk loader writes each batch of a build as table files of its own; until they are merged, a look-up
reads one file per batch and level. After a full build the store is compacted once (RocksDB's compaction,
through pyoxigraph's ``Store.optimize``): on the 100,000-claim benchmark store the library's queries then run
about twice as fast, for about a third more build time (figures in ``docs/benchmarks.md``). An incremental
build adds only the table files of what changed and is not compacted.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal("1")))
>>> compact(store)
>>> len(store)
1
"""

from __future__ import annotations

import pyoxigraph as ox

__all__ = ["compact"]


def compact(store: ox.Store) -> None:
    """Merge the table files of a store just written (it must be open for writing); its content is unchanged."""
    store.optimize()
