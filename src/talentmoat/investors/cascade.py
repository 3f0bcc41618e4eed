"""The proxy problem: a talent map spreading as an independent cascade (MODEL.md §F; refs §7).

Kempe, Kleinberg & Tardos (2003): when node ``u`` becomes active it gets one chance to activate
each inactive out-neighbour ``v``, succeeding with probability ``p_uv``. Equivalently, keep each
edge independently with its probability (a *live-edge graph* ``X``); the active set is what the
seeds reach in ``X``. Limiting the cascade to ``max_depth`` hops (one degree by default in the
model) keeps only what the seeds reach within that many live edges.

Reach probabilities are exact by enumerating all ``2^E`` live-edge graphs when the graph has at
most ``exact_max_edges`` edges, and a seeded Monte Carlo over live-edge graphs otherwise. Graphs
are NetworkX ``DiGraph`` objects whose edges carry the probability in attribute ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

EDGE_PROBABILITY = "p"
"""Edge attribute holding the chance a tie passes the map on."""

SAMPLE_MEMORY = 64 * 1024 * 1024
"""Monte Carlo live-edge graphs are drawn in batches whose arrays fit in this many bytes, so
peak memory does not grow with the number of samples."""


def sample_bytes(edges: int, nodes: int) -> int:
    """Memory of one live-edge graph in :func:`_reached`: live and fired edges, active nodes."""
    return 9 * edges + 10 * nodes + 16


@dataclass(frozen=True)
class Spread:
    """How far a cascade from given seeds reaches.

    Attributes:
        nodes: Node names, in graph order.
        reach: Probability that each node ends up active (1 for seeds), shape (nodes,).
        stderr: Monte Carlo standard error of each probability (0 when exact), shape (nodes,).
        exact: Whether ``reach`` comes from full live-edge enumeration.
        samples: Live-edge graphs evaluated (``2^E`` when exact).
    """

    nodes: tuple[str, ...]
    reach: np.ndarray
    stderr: np.ndarray
    exact: bool
    samples: int

    @property
    def expected_spread(self) -> float:
        """``σ(S) = E|A_∞|``, seeds included."""
        return float(self.reach.sum())

    def probability(self, node: str) -> float:
        """Probability that ``node`` is reached (0 for a node not in the graph)."""
        return float(self.reach[self.nodes.index(node)]) if node in self.nodes else 0.0


def _reached(live: np.ndarray, src: np.ndarray, dst: np.ndarray, seeds: np.ndarray,
             n_nodes: int, max_depth: int | None) -> np.ndarray:
    """Active nodes in each live-edge graph, shape (M, nodes), by breadth-first hops.

    Args:
        live: Which edges are live in each graph, shape (M, E).
        src: Source node of each edge, shape (E,).
        dst: Target node of each edge, shape (E,).
        seeds: Seed node indices.
        n_nodes: Number of nodes.
        max_depth: Hops allowed (None: until nothing changes).
    """
    into = np.zeros((len(src), n_nodes))
    into[np.arange(len(src)), dst] = 1.0
    active = np.zeros((live.shape[0], n_nodes), dtype=bool)
    active[:, seeds] = True
    hops = n_nodes if max_depth is None else max_depth
    for _ in range(hops):  # hops, not graphs or nodes
        fired = (active[:, src] & live).astype(float)
        new = active | (fired @ into > 0)
        if np.array_equal(new, active):
            break
        active = new
    return active


def independent_cascade(
    graph: nx.DiGraph,
    seeds: list[str],
    *,
    max_depth: int | None = 1,
    exact_max_edges: int = 16,
    samples: int = 20_000,
    seed: int = 0,
    memory: int = SAMPLE_MEMORY,
) -> Spread:
    """Reach probabilities of an independent cascade from ``seeds``.

    Args:
        graph: Directed graph; each edge's attribute ``p`` is its probability in [0, 1].
        seeds: Nodes active at the start.
        max_depth: Hops the map may travel (1: one degree; None: unlimited).
        exact_max_edges: Enumerate all live-edge graphs when at most this many edges can fire
            (``2^E`` of them); edges leaving nodes the seeds cannot reach within
            ``max_depth − 1`` hops are left out first.
        samples: Live-edge graphs drawn otherwise.
        seed: Seed of the Monte Carlo draws.
        memory: Bytes one batch of live-edge graphs may take; the result does not depend on it
            (the batches continue one random stream).

    Returns:
        The spread.
    """
    nodes = tuple(graph.nodes)
    index = {n: k for k, n in enumerate(nodes)}
    # Only edges leaving a node the seeds reach in fewer than max_depth hops can ever fire.
    near: set[str] = set()
    if max_depth != 0:
        cutoff = None if max_depth is None else max_depth - 1
        for source in seeds:
            near |= set(nx.single_source_shortest_path_length(graph, source, cutoff=cutoff))
    edges = [e for e in graph.edges(data=EDGE_PROBABILITY, default=0.0)
             if e[0] in near and e[2] > 0]
    src = np.array([index[u] for u, _, _ in edges], dtype=int)
    dst = np.array([index[v] for _, v, _ in edges], dtype=int)
    p = np.array([q for _, _, q in edges], dtype=float)
    start = np.array([index[s] for s in seeds], dtype=int)
    if len(edges) <= exact_max_edges:
        m = 2 ** len(edges)
        live = (np.arange(m)[:, None] >> np.arange(len(edges))[None, :]) & 1 == 1
        prob = np.where(live, p, 1.0 - p).prod(axis=1)
        active = _reached(live, src, dst, start, len(nodes), max_depth)
        reach = prob @ active
        return Spread(nodes, reach, np.zeros(len(nodes)), True, m)
    rng = np.random.default_rng(seed)
    batch = max(1, memory // sample_bytes(len(edges), len(nodes)))
    hits = np.zeros(len(nodes))
    for first in range(0, samples, batch):
        live = rng.random((min(batch, samples - first), len(edges))) < p
        hits += _reached(live, src, dst, start, len(nodes), max_depth).sum(axis=0)
    reach = hits / samples
    stderr = np.sqrt(reach * (1.0 - reach) / samples)
    return Spread(nodes, reach, stderr, False, samples)
