"""Positions computed ahead of the browser, for graphs too large for vis-network's physics.

Small graphs use networkx's spring layout. Its large-graph path needs SciPy and still costs ``n²`` per step, so
from :data:`NETWORKX_LIMIT` nodes on, a spring layout in the same model (Fruchterman-Reingold: edges pull with
``d²/k``, nodes push with ``k²/d``) computes the push on a grid: the nodes are spread onto a mesh, and one FFT
convolution gives every node's push at once. A step then costs ``O(n + m + G² log G)`` for ``G²`` cells, so
10,000 nodes take a second or two where the exact sum takes minutes. Forces closer than a cell are not resolved,
which an overview of that size does not need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

__all__ = ["NETWORKX_LIMIT", "layout_positions"]

#: Up to this many nodes, networkx's own spring layout is used.
NETWORKX_LIMIT = 500
_SPACING = 90.0  # pixels between neighbours on the page
_COARSEST = 300  # coarsen until this few nodes are left
_EXACT = 400  # up to this many nodes the push is summed exactly


def layout_positions(ids: Sequence[str], edges: Iterable[tuple[str, str]], *, seed: int = 7,
                     progress: Callable[[Iterable[int]], Iterable[int]] | None = None
                     ) -> dict[str, tuple[float, float]]:
    """Return a position in page pixels for every node, the same for the same graph.

    Args:
        ids: the node ids.
        edges: pairs of node ids; direction, repeats and self-loops do not matter.
        seed: the seed of the starting positions.
        progress: wraps the iteration over layout steps, e.g. in a progress bar.
    """
    pairs = [(a, b) for a, b in edges if a != b]
    linked = {node for pair in pairs for node in pair}
    connected = [node for node in ids if node in linked]
    if len(connected) <= NETWORKX_LIMIT:
        positions = _networkx_layout(connected, pairs, seed) if connected else {}
    else:
        positions = _mesh_layout(connected, pairs, seed, progress)
    # Nodes without edges would only be pushed to the rim: set them out in a block beside the drawing.
    isolated = [node for node in ids if node not in linked]
    if isolated:
        right = max((x for x, _ in positions.values()), default=0.0) + 2 * _SPACING
        top = min((y for _, y in positions.values()), default=0.0)
        columns = max(1, math.ceil(math.sqrt(len(isolated) / 2)))
        step = _SPACING * 0.7
        for i, node in enumerate(isolated):
            positions[node] = (right + (i % columns) * step, top + (i // columns) * step)
    return positions


def _networkx_layout(ids: Sequence[str], edges: Iterable[tuple[str, str]], seed: int
                     ) -> dict[str, tuple[float, float]]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((a, b) for a, b in edges if a != b)
    positions = nx.spring_layout(graph, seed=seed, k=1.0 / math.sqrt(max(len(ids), 1)) * 1.5)
    scale = _SPACING * math.sqrt(len(ids)) * 0.9
    return {str(key): (float(x) * scale, float(y) * scale) for key, (x, y) in positions.items()}


def _mesh_layout(ids: Sequence[str], edges: Iterable[tuple[str, str]], seed: int,
                 progress: Callable[[Iterable[int]], Iterable[int]] | None) -> dict[str, tuple[float, float]]:
    """Lay out a large graph: coarsen it by merging matched neighbours, lay out the coarsest, refine back."""
    import numpy as np

    index = {key: i for i, key in enumerate(ids)}
    pairs = np.array([(index[a], index[b]) for a, b in edges if a != b and a in index and b in index],
                     dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    levels: list[tuple[int, Any, Any, Any]] = [(len(ids), pairs, np.ones(len(pairs)), np.ones(len(ids)))]
    parents: list[Any] = []
    while levels[-1][0] > _COARSEST:
        n, level_pairs, weights, mass = levels[-1]
        parent, size = _match(n, level_pairs, weights, mass, rng)
        if size > 0.85 * n:  # nothing left to merge (e.g. the leaves of a star): lay out this level as it is
            break
        coarse_pairs, coarse_weights = _merge_edges(parent[level_pairs], weights)
        parents.append(parent)
        levels.append((size, coarse_pairs, coarse_weights, np.bincount(parent, weights=mass, minlength=size)))
    radius = math.sqrt(len(ids))
    n, _, _, _ = levels[-1]
    angle, distance = rng.uniform(0, 2 * math.pi, n), radius * np.sqrt(rng.uniform(0, 1, n))
    pos = np.column_stack([distance * np.cos(angle), distance * np.sin(angle)])
    plan = [(len(levels) - 1, 100, radius / 4)] + [(i, 30, 2.0) for i in range(len(levels) - 2, -1, -1)]
    ticks = iter(progress(range(sum(steps for _, steps, _ in plan))) if progress else ())
    for level, steps, start in plan:
        n, level_pairs, weights, mass = levels[level]
        if level < len(levels) - 1:
            pos = pos[parents[level]] + rng.normal(0, 0.5, (n, 2))
        pos = _relax(pos, level_pairs, weights, mass, steps, start, ticks)
    pos -= pos.mean(axis=0)
    return {key: (float(pos[i, 0]) * _SPACING, float(pos[i, 1]) * _SPACING) for i, key in enumerate(ids)}


def _match(n: int, pairs: Any, weights: Any, mass: Any, rng: Any) -> tuple[Any, int]:
    """Pair each node with an unmatched neighbour (the lightest, on the heaviest edge); return the parent map."""
    import numpy as np

    both = np.concatenate([pairs, pairs[:, ::-1]])
    both_weights = np.concatenate([weights, weights])
    order = np.argsort(both[:, 0], kind="stable")
    neighbours, neighbour_weights = both[order, 1].tolist(), both_weights[order].tolist()
    starts = np.searchsorted(both[order, 0], np.arange(n + 1)).tolist()
    masses = mass.tolist()
    parent = [-1] * n
    size = 0
    for node in rng.permutation(n).tolist():
        if parent[node] >= 0:
            continue
        best, best_key = -1, (0.0, 0.0)
        for at in range(starts[node], starts[node + 1]):
            other = neighbours[at]
            if parent[other] < 0 and other != node:
                key = (neighbour_weights[at], -masses[other])
                if best < 0 or key > best_key:
                    best, best_key = other, key
        parent[node] = size
        if best >= 0:
            parent[best] = size
        size += 1
    return np.array(parent, dtype=np.int64), size


def _merge_edges(pairs: Any, weights: Any) -> tuple[Any, Any]:
    """Return the edges between merged nodes, each once, with the summed weights of the edges they replace."""
    import numpy as np

    keep = pairs[:, 0] != pairs[:, 1]
    low, high = np.minimum(pairs[keep, 0], pairs[keep, 1]), np.maximum(pairs[keep, 0], pairs[keep, 1])
    keys = low * (int(high.max(initial=0)) + 1) + high
    unique, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse, weights=weights[keep])
    first = np.zeros(len(unique), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]
    return np.column_stack([low[first], high[first]]), summed


def _relax(pos: Any, pairs: Any, weights: Any, mass: Any, steps: int, start: float, ticks: Iterator[int]) -> Any:
    """Move the nodes for ``steps`` steps under pull along edges, push between nodes, and a pull to the centre."""
    import numpy as np

    n = len(pos)
    cells = int(min(512, max(32, 2 ** math.ceil(math.log2(2.5 * math.sqrt(n))))))
    kernels = _push_kernels(cells) if n > _EXACT else None
    for step in range(steps):
        next(ticks, None)
        temperature = start * (1 - step / steps) + 0.05
        move = (_push(pos, mass, cells, *kernels) if kernels else _exact_push(pos, mass)) - pos
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            pull = delta * (np.sqrt((delta * delta).sum(axis=1)) * weights)[:, None]
            for axis in (0, 1):
                move[:, axis] -= np.bincount(pairs[:, 0], weights=pull[:, axis], minlength=n)
                move[:, axis] += np.bincount(pairs[:, 1], weights=pull[:, axis], minlength=n)
        length = np.sqrt((move * move).sum(axis=1))
        pos = pos + move * (np.minimum(length, temperature) / np.maximum(length, 1e-9))[:, None]
    return pos


def _exact_push(pos: Any, mass: Any) -> Any:
    """Return the push on every node summed over every other node (small graphs)."""
    import numpy as np

    dx = pos[:, 0, None] - pos[None, :, 0]
    dy = pos[:, 1, None] - pos[None, :, 1]
    weight = mass[None, :] / np.maximum(dx * dx + dy * dy, 1e-6)
    np.fill_diagonal(weight, 0.0)
    return np.column_stack([(dx * weight).sum(axis=1), (dy * weight).sum(axis=1)])


def _push_kernels(cells: int) -> tuple[Any, Any]:
    """Return the Fourier transforms of the push of a unit mass, ``d / |d|²`` per cell, on a padded grid."""
    import numpy as np

    size = 2 * cells
    offsets = np.fft.fftfreq(size, d=1.0 / size)  # 0, 1, ..., cells, -cells + 1, ..., -1
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    square = dx * dx + dy * dy
    square[0, 0] = 1.0
    kx, ky = dx / square, dy / square
    kx[0, 0] = ky[0, 0] = 0.0
    return np.fft.rfft2(kx), np.fft.rfft2(ky)


def _push(pos: Any, mass: Any, cells: int, kernel_x: Any, kernel_y: Any) -> Any:
    """Return the push ``sum over other nodes of (x - x_j) / |x - x_j|²`` at every node, computed on the grid."""
    import numpy as np

    low = pos.min(axis=0)
    span = float((pos.max(axis=0) - low).max()) or 1.0
    cell = span / (cells - 2)
    grid_pos = (pos - low) / cell + 0.5
    base = np.floor(grid_pos).astype(np.int64)
    frac = grid_pos - base
    size = 2 * cells
    density = np.zeros(size * size)
    # Cloud in cell: each node spreads its unit mass over the four grid points around it.
    corners = [((0, 0), (1 - frac[:, 0]) * (1 - frac[:, 1])), ((1, 0), frac[:, 0] * (1 - frac[:, 1])),
               ((0, 1), (1 - frac[:, 0]) * frac[:, 1]), ((1, 1), frac[:, 0] * frac[:, 1])]
    flat = [(base[:, 0] + ox) * size + (base[:, 1] + oy) for (ox, oy), _ in corners]
    for where, (_, weight) in zip(flat, corners, strict=True):
        density += np.bincount(where, weights=weight * mass, minlength=size * size)
    spectrum = np.fft.rfft2(density.reshape(size, size))
    field_x = np.fft.irfft2(spectrum * kernel_x, s=(size, size)).ravel()
    field_y = np.fft.irfft2(spectrum * kernel_y, s=(size, size)).ravel()
    push = np.zeros_like(pos)
    for where, (_, weight) in zip(flat, corners, strict=True):
        push[:, 0] += field_x[where] * weight
        push[:, 1] += field_y[where] * weight
    # The kernel is in cells; a push k²/d with k = 1 is 1/(d_cells * cell).
    return push / cell
