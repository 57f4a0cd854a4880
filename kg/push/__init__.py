"""Send the dataset to any SPARQL 1.1 server, and check that the server then holds what the store holds.

What a push does, in this order:

1. It reads, on the server, the nanopublications that the previous push listed in the statement view (and in an
   unfinished statement view left by an interrupted push), and removes those that are no longer in the store.
2. It writes the store's default graph (statement view, ontology, documents, entities) into a staging graph beside
   the statement graph (``STATEMENTS_GRAPH`` unless told otherwise), in batches.
3. It replaces each claim's nanopublication (its head, assertion, provenance and publication-info graphs) as a
   unit: one update request per batch of claims, which empties their graphs and fills them again. Oxigraph and
   Virtuoso run a request as one transaction, so a claim is never half-written. With a Graph Store endpoint, each
   graph is sent as one ``PUT`` of N-Triples instead.
4. It puts the staging graph in place of the statement graph in one request, so that the server shows the old
   statement view or the new one, never a mixture.
5. It counts the triples of every graph on the server and compares them with the store.

Every request can be sent twice with the same effect, so a push that was interrupted is completed by running it
again, and pushing twice leaves the same content on the server. Blank nodes never travel: a store holding one is
refused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import EndpointError, Option, QueryTimeout, UsageError
from ..iris import staging_graph_iri
from ..sparql.remote import EndpointUnavailable
from .check import CountCheck, Reader, StaleNanopub
from .local import STATEMENTS_GRAPH, LocalDataset, Unit
from .server import HttpAuth, Remote, Server
from .updates import add_triples, drop_graphs, ntriples, remove_graphs, replace_graphs, swap_graph

__all__ = ["STATEMENTS_GRAPH", "CountCheck", "HttpAuth", "Progress", "PushReport", "Remote", "Step", "check",
           "dry_run", "push"]


@dataclass(frozen=True)
class Step:
    """One request of a push (with a Graph Store endpoint, one group of requests).

    Attributes:
        label: what it sends, for progress and messages.
        update: a SPARQL Update request.
        graphs: Graph Store requests: (method, graph, N-Triples).
    """

    label: str
    update: str | None = None
    graphs: tuple[tuple[str, ox.NamedNode, bytes], ...] = ()

    def describe(self, graph_store: str | None) -> str:
        """Return the step as the requests it sends, for a dry run."""
        lines = [f"# {self.label}"]
        if self.update is not None:
            lines.append(self.update.rstrip("\n"))
        for method, graph, data in self.graphs:
            triples = data.count(b"\n")
            lines.append(f"{method} {graph_store} graph={graph.value} ({triples:,} triples, N-Triples)")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Progress:
    """How far a push is: ``done`` of ``total`` steps, the last one being ``label``."""

    done: int
    total: int
    label: str


@dataclass(frozen=True)
class PushReport:
    """What a push did.

    Attributes:
        nanopublications: the units replaced (nanopublications, and any named graph outside one).
        graphs: the named graphs they hold.
        statements: the triples of the statement graph.
        requests: the update and Graph Store requests sent.
        removed: the nanopublications removed from the server because the store no longer has them.
        seconds: how long it took.
        check: the count check, unless it was skipped.
    """

    nanopublications: int
    graphs: int
    statements: int
    requests: int
    removed: int
    seconds: float
    check: CountCheck | None


def _target(value: str) -> ox.NamedNode | ox.DefaultGraph:
    """Return the graph that receives the store's default graph: an IRI, or the server's default graph."""
    if value.strip().lower() == "default":
        return ox.DefaultGraph()
    try:
        graph = ox.NamedNode(value)
    except ValueError as err:
        raise UsageError(f"{Option.DEFAULT_GRAPH} {value!r} is not an IRI ({err}): give an absolute IRI such as "
                         f"{STATEMENTS_GRAPH}, or 'default' for the server's default graph") from None
    if ":" not in value:
        raise UsageError(f"{Option.DEFAULT_GRAPH} {value!r} is not an absolute IRI: give one such as "
                         f"{STATEMENTS_GRAPH}, or 'default' for the server's default graph")
    return graph


def _describe(target: ox.NamedNode | ox.DefaultGraph) -> str:
    return "the server's default graph" if isinstance(target, ox.DefaultGraph) else str(target)


def _staging(target: ox.NamedNode | ox.DefaultGraph) -> ox.NamedNode:
    base = STATEMENTS_GRAPH if isinstance(target, ox.DefaultGraph) else target.value
    return ox.NamedNode(staging_graph_iri(base))


class _Plan:
    """The steps of a push, built lazily from the store so that a large store is never held in memory twice."""

    def __init__(self, dataset: LocalDataset, *, target: ox.NamedNode | ox.DefaultGraph, batch_size: int,
                 graph_store: bool) -> None:
        if batch_size < 1:
            raise UsageError(f"{Option.BATCH_SIZE:{batch_size}} is too small: send at least 1 claim per request")
        self.dataset = dataset
        self.target = target
        self.staging = _staging(target)
        self.batch_size = batch_size
        self.graph_store = graph_store
        self.sizes = dict(dataset.graph_sizes())
        self.statements = dataset.statement_count()
        per_unit = sum(self.sizes.values()) / max(1, len(dataset.units))
        # The statement view travels in requests about as large as a batch of nanopublications.
        self.budget = max(1, round(batch_size * max(per_unit, 1.0)))

    def expected(self) -> dict[ox.NamedNode | ox.DefaultGraph, int]:
        """Return the number of triples each graph should have on the server."""
        expected: dict[ox.NamedNode | ox.DefaultGraph, int] = {self.target: self.statements}
        for graph, size in self.sizes.items():
            expected[graph] = size
        return expected

    def total(self, stale: list[StaleNanopub]) -> int:
        """Return the number of steps."""
        return (math.ceil(len(stale) / self.batch_size) + 1 + math.ceil(self.statements / self.budget)
                + math.ceil(len(self.dataset.units) / self.batch_size) + 1)

    def steps(self, stale: list[StaleNanopub]) -> Iterator[Step]:
        """Yield the steps of the push, in order."""
        for start in range(0, len(stale), self.batch_size):
            batch = stale[start:start + self.batch_size]
            yield Step(f"removal of {len(batch)} nanopublications no longer in the store",
                       update=remove_graphs([g for nanopub in batch for g in nanopub.graphs]))
        yield Step("emptying the staging graph", update=drop_graphs([self.staging]))
        chunks = math.ceil(self.statements / self.budget)
        for number, chunk in enumerate(self.dataset.statement_chunks(self.budget), start=1):
            label = f"statement view, part {number} of {chunks}"
            if self.graph_store:
                yield Step(label, graphs=(("POST", self.staging, ntriples(chunk)),))
            else:
                yield Step(label, update=add_triples(self.staging, chunk))
        units = self.dataset.units
        for start in range(0, len(units), self.batch_size):
            yield self._units_step(units[start:start + self.batch_size], start, len(units))
        if self.statements:
            yield Step("the new statement view in place of the old", update=swap_graph(self.staging, self.target))
        else:
            yield Step("the statement view, empty", update=drop_graphs([self.target, self.staging]))

    def _units_step(self, batch: list[Unit], start: int, count: int) -> Step:
        label = f"nanopublications {start + 1}-{start + len(batch)} of {count}"
        graphs = [(graph, self.dataset.triples(graph)) for unit in batch for graph in unit.graphs]
        if self.graph_store:
            return Step(label, graphs=tuple(("PUT", graph, ntriples(triples)) for graph, triples in graphs))
        return Step(label, update=replace_graphs(graphs))


def _run(server: Server, step: Step) -> None:
    if step.update is not None:
        server.update(step.update, name=step.label)
    for method, graph, data in step.graphs:
        server.send_graph(method, graph, data, name=step.label)


def push(store: ox.Store, remote: Remote, *, statements_graph: str = STATEMENTS_GRAPH, batch_size: int = 50,
         verify: bool = True, progress: Callable[[Progress], None] | None = None) -> PushReport:
    """Send the store to a SPARQL 1.1 server, replacing what an earlier push of it left there.

    Args:
        store: the built store.
        remote: the server.
        statements_graph: the named graph that receives the store's default graph on the server, or ``"default"``
            for the server's own default graph (replaced as a whole: for a server that holds this dataset only).
        batch_size: nanopublications per request.
        verify: run the count check at the end.
        progress: called after each step.

    Raises:
        DataError: the store holds blank nodes.
        UsageError: ``statements_graph`` is not an IRI, or ``batch_size`` is below 1.
        EndpointError: the server refused a request, answered something that is not SPARQL, or could not be reached
            (after ``remote.retries`` new attempts); the message says how far the push went.
        QueryError: the server rejected a request as malformed.
    """
    started = time.monotonic()
    target = _target(statements_graph)
    dataset = LocalDataset(store)
    plan = _Plan(dataset, target=target, batch_size=batch_size, graph_store=remote.graph_store is not None)
    server = Server(remote)
    reader = Reader(server)
    stale = reader.stale_nanopubs([target, plan.staging], {unit.key for unit in dataset.units})
    total = plan.total(stale)
    for done, step in enumerate(plan.steps(stale)):
        try:
            _run(server, step)
        except (EndpointUnavailable, QueryTimeout) as err:
            raise EndpointError(f"the push stopped at {step.label} (step {done + 1} of {total}): {err.template}; what "
                                "the server holds is whole claim by claim: run the same kg push again to complete "
                                "it") from None
        if progress is not None:
            progress(Progress(done + 1, total, step.label))
    outcome = reader.count(plan.expected(), statements=plan.statements,
                           probe_default=isinstance(target, ox.NamedNode)) if verify else None
    return PushReport(len(dataset.units), len(plan.sizes), plan.statements, server.writes, len(stale),
                      time.monotonic() - started, outcome)


def check(store: ox.Store, remote: Remote, *, statements_graph: str = STATEMENTS_GRAPH) -> CountCheck:
    """Compare the number of triples of each graph of the store with the server's, without sending anything.

    Raises:
        DataError, UsageError, EndpointError: as :func:`push`.
    """
    target = _target(statements_graph)
    dataset = LocalDataset(store)
    plan = _Plan(dataset, target=target, batch_size=1, graph_store=False)
    return Reader(Server(remote)).count(plan.expected(), statements=plan.statements,
                                        probe_default=isinstance(target, ox.NamedNode))


def dry_run(store: ox.Store, remote: Remote, *, statements_graph: str = STATEMENTS_GRAPH, batch_size: int = 50
            ) -> Iterator[str]:
    """Yield the requests a push would send, as text, without contacting the server.

    The removal of nanopublications that the server has and the store no longer has is decided at push time, from
    what the server holds, so it is not shown.
    """
    target = _target(statements_graph)
    plan = _Plan(LocalDataset(store), target=target, batch_size=batch_size, graph_store=remote.graph_store is not None)
    yield (f"# {len(plan.dataset.units):,} nanopublications ({len(plan.sizes):,} graphs) and a statement view of "
           f"{plan.statements:,} triples for {_describe(target)}, in {plan.total([]):,} steps; nanopublications "
           "that the server has and the store no longer has are removed first (decided at push time)\n")
    for step in plan.steps([]):
        yield step.describe(remote.graph_store)
