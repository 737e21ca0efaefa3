"""Network layout: a tree per regime that connects the blocks to the regime's heat sources.

Without a street network the mains follow a minimum spanning tree over the sources and the
blocks' positions (Delaunay and nearest-neighbour candidate edges), with each route length the
straight-line distance times the scenario's detour factor (default 1.25, PBL Vesta). A Euclidean
minimum spanning tree is at most 2/sqrt(3) ~ 1.15 times the Steiner minimum tree and in practice
a few percent longer; the detour factor stands for routing along streets (a rectilinear route is
4/pi ~ 1.27 times the straight line on average). With a street network (GeoJSON or GeoPackage
line strings in RD New), the mains follow the streets: a Steiner-tree approximation (Mehlhorn,
networkx) over the street graph connecting the street points nearest to the blocks and sources.

Every block hangs on the tree by its own service pipe. Supply and return pipes follow the same
route.

Several sources: the blocks are split among the sources first, by multi-source region growing
(Dijkstra from all sources at once) along the routing graph - the candidate edges above
(straight-line length x detour factor) or the street graph - limited by capacity; then each
region gets its own tree (spanning tree or Steiner tree), so every region is a contiguous
sub-tree fed by its source. A source claims a node through a node it already holds, nearest
first, while the diversified design peak of all the blocks it then feeds stays within
``capacity x (1 - design_loss_share)`` (:mod:`heatplan.scenario.figures`, group ``network``;
capacity = :func:`heatplan.buildings.sources.deliverable_mw`: base + peak boilers - existing customers);
the first node that does not fit makes the source full and it claims nothing more. Peaks are
taken at the label each block will have on the regime: its own, or the weakest label the regime
serves under ``scenario.label_policy`` if that is better (label B on a 70 °C network). When
every source that can reach the remaining nodes is full, they go to the nearest source anyway
(continuing the same Dijkstra) and a warning is logged. Without capacity limits this is the
plain "nearest source" split.

Why along the routing graph and not along one tree over everything: in a single tree, a small
source's region cuts off every branch behind it, which then only it can feed (on the embedded
Zuidwest MT network, Leyweg would be forced to take 732 blocks, 48 MW, against its 6 MW).
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial import Delaunay, QhullError, cKDTree

from heatplan.buildings.demand import Regime, block_demand, diversified_peak_kw
from heatplan.buildings.labels import better_of, worst_label_for_supply
from heatplan.buildings.sources import deliverable_mw
from heatplan.errors import InputError
from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures

log = logging.getLogger(__name__)

MIN_LENGTH_M = 1.0


@dataclass(frozen=True)
class Layout:
    """Tree layout of one regime's network (see the module docstring)."""

    regime: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    edge_blocks: pd.DataFrame
    block_source: pd.DataFrame
    unreached: tuple[str, ...] = field(default=())
    #: Design peak (kW) of the blocks each source feeds, at their labels on the regime.
    source_peak_kw: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))


def _candidate_edges(xy: np.ndarray) -> np.ndarray:
    """Candidate edges (i, j) for the spanning tree: Delaunay plus nearest neighbours."""
    n = len(xy)
    if n <= 400:
        i, j = np.triu_indices(n, k=1)
        return np.column_stack([i, j])
    pairs = []
    try:
        tri = Delaunay(xy)
        s = tri.simplices
        pairs += [s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]]
    except QhullError:  # collinear points
        pass
    k = min(n, 9)
    _, nb = cKDTree(xy).query(xy, k=k)
    pairs.append(np.column_stack([np.repeat(np.arange(n), k - 1), nb[:, 1:].ravel()]))
    e = np.sort(np.vstack(pairs), axis=1)
    return np.unique(e[e[:, 0] != e[:, 1]], axis=0)


def _connected_candidates(xy: np.ndarray) -> np.ndarray:
    """Candidate edges that connect all points (every pair if the candidates miss a link)."""
    n = len(xy)
    e = _candidate_edges(xy)
    if n > 1:
        w = np.ones(len(e))
        g = coo_matrix((w, (e[:, 0], e[:, 1])), shape=(n, n)).tocsr()
        ncomp, _ = connected_components(g, directed=False)
        if ncomp > 1:
            i, j = np.triu_indices(n, k=1)
            e = np.column_stack([i, j])
    return e


def _spanning_tree(xy: np.ndarray) -> list[tuple[int, int]]:
    """Edges of a Euclidean minimum spanning tree over points (connected)."""
    n = len(xy)
    if n < 2:
        return []
    e = _connected_candidates(xy)
    w = np.hypot(*(xy[e[:, 0]] - xy[e[:, 1]]).T) + 1e-3  # zero weights would mean "no edge"
    t = minimum_spanning_tree(coo_matrix((w, (e[:, 0], e[:, 1])), shape=(n, n)).tocsr()).tocoo()
    return list(zip(t.row.tolist(), t.col.tolist(), strict=True))


def _read_streets(path: Path) -> list[np.ndarray]:
    """Line strings (arrays of RD New x, y) from a GeoJSON or GeoPackage file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected street line strings, GeoJSON or GeoPackage)")
    if path.suffix.lower() == ".gpkg":
        try:
            import geopandas as gpd
        except ImportError:  # pragma: no cover
            raise InputError(
                f"{path}: reading a GeoPackage needs geopandas (pip install heatplan[gis])"
            ) from None
        feats = json.loads(gpd.read_file(path).to_json())["features"]
    else:
        try:
            feats = json.loads(path.read_text(encoding="utf-8")).get("features", [])
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not readable as GeoJSON ({exc})") from None
    lines = []
    for f in feats:
        geom = f.get("geometry") or {}
        if geom.get("type") == "LineString":
            lines.append(np.asarray(geom["coordinates"], float)[:, :2])
        elif geom.get("type") == "MultiLineString":
            lines += [np.asarray(c, float)[:, :2] for c in geom["coordinates"]]
    if not lines:
        raise InputError(f"{path}: no LineString features found")
    return lines


def _attach_leaves(
    xy: np.ndarray, mains: list[tuple[int, int]], first: int
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Steiner improvement: hang each leaf on the nearest point of another edge when that is shorter.

    A leaf ``i`` (node index >= ``first``) joined to ``j`` by an edge of length ``d`` is moved to
    the foot of the perpendicular on the nearest other edge when that is shorter than ``0.9 d``;
    the edge is split there by a new junction (a Steiner point). The tree stays a tree.
    """
    if len(mains) < 2:
        return xy, mains
    n_e = len(mains)
    deg = np.bincount(np.array(mains).ravel(), minlength=len(xy))
    leaves = [i for i in range(first, len(xy)) if deg[i] == 1]
    cap_e, cap_p = n_e + 3 * len(leaves), len(xy) + len(leaves)
    e = np.full((cap_e, 2), -1, int)
    e[:n_e] = mains
    alive = np.zeros(cap_e, bool)
    alive[:n_e] = True
    p = np.zeros((cap_p, 2))
    p[: len(xy)] = xy
    n_p = len(xy)
    for leaf in leaves:
        touch = (e[:n_e] == leaf).any(axis=1) & alive[:n_e]
        k_own = int(np.flatnonzero(touch)[0])
        other = e[k_own, 0] if e[k_own, 1] == leaf else e[k_own, 1]
        own_len = float(np.hypot(*(p[leaf] - p[other])))
        a, b = p[e[:n_e, 0]], p[e[:n_e, 1]]
        ab = b - a
        t = np.clip(((p[leaf] - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-9), 0.0, 1.0)
        dist = np.hypot(*(a + t[:, None] * ab - p[leaf]).T)
        dist[touch | ~alive[:n_e]] = np.inf
        k = int(np.argmin(dist))
        if not dist[k] < 0.9 * own_len or t[k] in (0.0, 1.0):
            continue  # no gain, or the nearest point is a node (the spanning tree had it already)
        p[n_p] = a[k] + t[k] * ab[k]
        u, v = e[k]
        alive[k] = alive[k_own] = False
        e[n_e : n_e + 3] = [(u, n_p), (n_p, v), (leaf, n_p)]
        alive[n_e : n_e + 3] = True
        n_e += 3
        n_p += 1
    return p[:n_p], [(int(i), int(j)) for i, j in e[:n_e][alive[:n_e]]]


def regime_labels(blocks: pd.DataFrame, regime: str, scenario: Scenario) -> pd.Series:
    """Each block's label on a regime: its own, or the weakest label the regime serves if better."""
    spec = scenario.networks.mt if regime == "mt" else scenario.networks.lt
    pol = scenario.label_policy
    worst = worst_label_for_supply(spec.supply_temp_c, pol.required_supply_c, pol.design_drop_k)
    if worst is None:
        return blocks["label"]
    return better_of(blocks["label"], pd.Series(worst, index=blocks.index))


def _block_loads(blocks: pd.DataFrame, regime: str, scenario: Scenario) -> np.ndarray:
    """Per block: undiversified space and hot-water peaks (kW), dwellings and 1 (a block count)."""
    reg: Regime = "mt" if regime == "mt" else "lt"
    dem = block_demand(blocks, regime_labels(blocks, regime, scenario), regime=reg)
    return np.column_stack(
        [
            dem["space_peak_undiversified_kw"].to_numpy(float),
            dem["hot_water_peak_undiversified_kw"].to_numpy(float),
            blocks["dwellings"].to_numpy(float),
            np.ones(len(blocks)),
        ]
    )


def _peak_kw(load: np.ndarray, regime: str) -> float:
    """Diversified design peak (kW) of summed loads (space kW, hot-water kW, dwellings, blocks)."""
    if load[2] <= 0:
        return 0.0
    reg: Regime = "mt" if regime == "mt" else "lt"
    return float(diversified_peak_kw(load[0:1], load[1:2], load[2:3], reg)[0])


@dataclass(frozen=True)
class _Split:
    """Result of region growing: owning source per graph node, loads per source."""

    owner: np.ndarray
    total: np.ndarray  # summed loads per source
    forced: np.ndarray  # loads taken beyond capacity (phase 2)


def _grow_regions(
    adj: list[list[tuple[int, float]]], load: np.ndarray, budget_kw: np.ndarray, regime: str
) -> _Split:
    """Multi-source Dijkstra (sources are nodes 0..k-1), limited by each source's budget.

    A source claims a node through a neighbour it already holds, nearest first, while the
    diversified peak of what it then feeds stays within its budget; the first node that does not
    fit makes it full and it claims nothing more. Then whatever is left goes to the nearest
    source along the graph anyway (phase 2, ``forced``).
    """
    n_src = len(budget_kw)
    owner = np.full(len(adj), -1)
    total = np.zeros((n_src, load.shape[1]))
    forced = np.zeros_like(total)
    full = np.zeros(n_src, bool)
    heap: list[tuple[float, int, int]] = []

    def claim(v: int, s: int, d: float) -> None:
        owner[v] = s
        total[s] += load[v]
        for u, w in adj[v]:
            if owner[u] < 0:
                heapq.heappush(heap, (d + w, u, s))

    for s in range(n_src):
        claim(s, s, 0.0)
    deferred = []
    while heap:
        d, v, s = heapq.heappop(heap)
        if owner[v] >= 0:
            continue
        if not full[s] and _peak_kw(total[s] + load[v], regime) <= budget_kw[s]:
            claim(v, s, d)
        else:
            full[s] = True
            deferred.append((d, v, s))
    heap = deferred
    heapq.heapify(heap)
    while heap:
        d, v, s = heapq.heappop(heap)
        if owner[v] < 0:
            forced[s] += load[v]
            claim(v, s, d)
    return _Split(owner, total, forced)


def _adjacency(n: int, edges: list[tuple[int, int, float]]) -> list[list[tuple[int, float]]]:
    """Adjacency lists of an undirected weighted graph."""
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i, j, w in edges:
        adj[i].append((j, w))
        adj[j].append((i, w))
    return adj


def _report_split(
    split: _Split, budget_kw: np.ndarray, capacity_mw: np.ndarray, regime: str, sid: list[str]
) -> pd.Series:
    """Each source's design peak (kW); a warning for every source above its capacity."""
    peaks = np.array([_peak_kw(split.total[s], regime) for s in range(len(sid))])
    # with one source there is nothing to split: the optimisation limits what it may serve
    say = log.warning if len(sid) > 1 else log.info
    for s in np.flatnonzero(peaks > budget_kw):
        say(
            "%s source %s: design peak %.1f MW above what it can take, %.1f MW (capacity %.1f MW "
            "less %.0f%% for pipe losses): %d block(s) go to it because every source that can "
            "reach them is full",
            regime,
            sid[s],
            peaks[s] / 1000,
            budget_kw[s] / 1000,
            capacity_mw[s],
            100 * figures().network.design_loss_share,
            int(split.forced[s, 3]),
        )
    return pd.Series(peaks, index=sid, name="design_peak_kw")


@dataclass(frozen=True)
class _Forest:
    """One tree per source: node coordinates (sources first), mains, each block's tap node."""

    xy: np.ndarray
    mains: list[tuple[int, int, float]]
    taps: np.ndarray  # network node of each block (-1 if not reached)
    feed: np.ndarray  # source index feeding each network node
    split: _Split
    service_m: np.ndarray
    reached: np.ndarray


def _straight_forest(
    sxy: np.ndarray, bxy: np.ndarray, detour: float, loads: np.ndarray, budget_kw: np.ndarray, regime: str
) -> _Forest:
    """Regions grown over the candidate graph of sources and blocks; a spanning tree per region.

    Nodes: the sources, then the blocks' taps (at the block positions), then Steiner points.
    """
    n_src, nb = len(sxy), len(bxy)
    xy = np.vstack([sxy, bxy])
    e = _connected_candidates(xy)
    w = np.hypot(*(xy[e[:, 0]] - xy[e[:, 1]]).T) * detour
    graph = [(int(i), int(j), float(d)) for (i, j), d in zip(e, w, strict=True)]
    split = _grow_regions(
        _adjacency(len(xy), graph), np.vstack([np.zeros((n_src, 4)), loads]), budget_kw, regime
    )
    pts, feed = [sxy, bxy], list(range(n_src)) + split.owner[n_src:].tolist()
    mains: list[tuple[int, int, float]] = []
    for s in range(n_src):
        members = np.flatnonzero(split.owner[n_src:] == s)
        local = np.vstack([sxy[s : s + 1], bxy[members]])
        lxy, pairs = _attach_leaves(local, _spanning_tree(local), 1)
        extra = len(lxy) - len(local)
        gid = np.concatenate([[s], n_src + members, np.arange(len(feed), len(feed) + extra)])
        pts.append(lxy[len(local) :])
        feed += [s] * extra
        mains += [
            (int(gid[i]), int(gid[j]), max(float(np.hypot(*(lxy[i] - lxy[j]))) * detour, MIN_LENGTH_M))
            for i, j in pairs
        ]
    taps = np.arange(n_src, n_src + nb)
    return _Forest(
        np.vstack(pts),
        mains,
        taps,
        np.array(feed),
        split,
        np.full(nb, figures().network.service_length_m),
        np.ones(nb, bool),
    )


def _street_forest(
    streets: Path, sxy: np.ndarray, bxy: np.ndarray, loads: np.ndarray, budget_kw: np.ndarray, regime: str
) -> _Forest:
    """Regions grown over the street graph; a Steiner tree (Mehlhorn) per region.

    Nodes: the sources, then the street vertices of the trees. Blocks tap the street vertex
    nearest to them; blocks whose street component has no source are not reached.
    """
    g = nx.Graph()
    for line in _read_streets(streets):
        pts = [tuple(np.round(p, 1)) for p in line]
        for a, b in itertools.pairwise(pts):
            if a != b:
                g.add_edge(a, b, weight=float(np.hypot(a[0] - b[0], a[1] - b[1])))
    street = list(g.nodes)
    k_of = {v: n_src_k for n_src_k, v in enumerate(street)}
    n_src = len(sxy)
    kd = cKDTree(np.array(street, float))
    s_dist, s_near = kd.query(sxy)
    b_dist, b_near = kd.query(bxy)
    graph = [(n_src + k_of[a], n_src + k_of[b], d["weight"]) for a, b, d in g.edges(data=True)]
    graph += [(k, n_src + int(s_near[k]), max(float(s_dist[k]), MIN_LENGTH_M)) for k in range(n_src)]
    load = np.zeros((n_src + len(street), 4))
    np.add.at(load, n_src + b_near, loads)
    split = _grow_regions(_adjacency(len(load), graph), load, budget_kw, regime)
    b_owner = split.owner[n_src + b_near]
    pos: dict[tuple[float, float], int] = {}
    mains: list[tuple[int, int, float]] = []
    for s in range(n_src):
        region = [street[k] for k in np.flatnonzero(split.owner[n_src:] == s)]
        terms = {street[int(s_near[s])]} | {street[int(k)] for k in b_near[b_owner == s]}
        if not (b_owner == s).any():
            continue  # this source feeds nothing
        tree = nx.Graph()
        tree.add_nodes_from(terms)
        if len(terms) > 1:
            tree = nx.algorithms.approximation.steiner_tree(
                g.subgraph(region), list(terms), method="mehlhorn"
            )
        for v in tree.nodes:
            pos[v] = n_src + len(pos)
        mains += [(pos[a], pos[b], max(d["weight"], MIN_LENGTH_M)) for a, b, d in tree.edges(data=True)]
        mains.append((s, pos[street[int(s_near[s])]], max(float(s_dist[s]), MIN_LENGTH_M)))
    xy = np.vstack([sxy, np.array(list(pos), float).reshape(-1, 2)])
    feed = np.concatenate([np.arange(n_src), split.owner[[n_src + k_of[v] for v in pos]]]).astype(int)
    taps = np.array([pos.get(street[int(k)], -1) for k in b_near])
    return _Forest(
        xy, mains, taps, feed, split, np.maximum(b_dist, figures().network.service_length_m), b_owner >= 0
    )


def _orient(
    n: int, n_src: int, mains: list[tuple[int, int, float]], feed: np.ndarray
) -> tuple[list[tuple[int, int, float]], np.ndarray]:
    """Main edges (parent, child, length) in breadth-first order from the sources; parent per node."""
    adj: dict[int, list[tuple[int, float]]] = {i: [] for i in range(n)}
    for i, j, w in mains:
        if feed[i] == feed[j]:  # edges between two sources' trees are cut
            adj[i].append((j, w))
            adj[j].append((i, w))
    parent = np.full(n, -1)
    seen = np.zeros(n, bool)
    out = []
    queue = deque(range(n_src))
    seen[:n_src] = True
    while queue:
        u = queue.popleft()
        for v, w in adj[u]:
            if not seen[v]:
                seen[v] = True
                parent[v] = u
                out.append((u, v, w))
                queue.append(v)
    return out, parent


def _edge_blocks(edges: pd.DataFrame, block_ids: list[str]) -> pd.DataFrame:
    """Every block downstream of each edge (edges must be ordered parents first)."""
    path: dict[str, list[str]] = {}
    for eid, frm, to in zip(edges["edge_id"], edges["from_node"], edges["to_node"], strict=True):
        path[to] = [*path.get(frm, []), eid]
    chains = [path.get(f"blk:{b}", []) for b in block_ids]
    return pd.DataFrame(
        {
            "edge_id": [e for c in chains for e in c],
            "block_id": [b for b, c in zip(block_ids, chains, strict=True) for _ in c],
        }
    )


def _node_table(
    names: list[str], xy: np.ndarray, sid: list[str], block_ids: list[str], bxy: np.ndarray
) -> pd.DataFrame:
    """Network nodes (sources first, then junctions) and block nodes, indexed by node_id."""
    n_src = len(sid)
    rows = [
        (names[k], xy[k, 0], xy[k, 1], "source" if k < n_src else "junction", "", sid[k] if k < n_src else "")
        for k in range(len(xy))
    ]
    rows += [(f"blk:{b}", p[0], p[1], "block", b, "") for b, p in zip(block_ids, bxy, strict=True)]
    cols = ["node_id", "x_rd", "y_rd", "kind", "block_id", "source_id"]
    return pd.DataFrame(rows, columns=cols).set_index("node_id")


def _check_inputs(blocks: pd.DataFrame, sources: pd.DataFrame, regime: str) -> pd.DataFrame:
    if regime not in ("mt", "lt"):
        raise InputError(f"regime {regime!r}: expected mt or lt")
    src = sources[sources["regime"] == regime].reset_index(drop=True)
    if src.empty:
        raise InputError(f"no heat source with regime {regime!r}: a {regime} network needs at least one")
    if blocks.empty:
        raise InputError("no blocks to connect: the block table is empty")
    return src


def build_layout(
    blocks: pd.DataFrame,
    sources: pd.DataFrame,
    regime: str,
    scenario: Scenario,
    streets: Path | None = None,
) -> Layout:
    """One tree per regime connecting the given blocks and the regime's sources."""
    src = _check_inputs(blocks, sources, regime)
    sxy = src[["x_rd", "y_rd"]].to_numpy(float)
    bxy = blocks[["x_rd", "y_rd"]].to_numpy(float)
    bids = blocks["block_id"].astype(str).tolist()
    sid = src["source_id"].astype(str).tolist()
    capacity_mw = deliverable_mw(src)
    budget_kw = capacity_mw * 1000 * (1 - figures().network.design_loss_share)
    loads = _block_loads(blocks, regime, scenario)
    if streets is None:
        f = _straight_forest(sxy, bxy, scenario.networks.detour_factor, loads, budget_kw, regime)
    else:
        f = _street_forest(Path(streets), sxy, bxy, loads, budget_kw, regime)
    source_peak = _report_split(f.split, budget_kw, capacity_mw, regime, sid)
    xy, taps, feed, reached, service_m = f.xy, f.taps, f.feed, f.reached, f.service_m
    oriented, _ = _orient(len(xy), len(sxy), f.mains, feed)
    names = [f"src:{s}" for s in sid] + [f"j{k}" for k in range(len(sxy), len(xy))]
    if streets is None:
        names[len(sxy) : len(sxy) + len(bids)] = [f"tap:{b}" for b in bids]
    kept = [k for k in range(len(bids)) if reached[k]]
    unreached = tuple(bids[k] for k in range(len(bids)) if not reached[k])
    if unreached:
        log.warning(
            "%d block(s) are not reachable along the streets from a %s source", len(unreached), regime
        )
    nodes = _node_table(names, xy, sid, [bids[k] for k in kept], bxy[kept])
    edge_rows = [
        (f"m{n}", names[i], names[j], w, "main", sid[feed[j]]) for n, (i, j, w) in enumerate(oriented)
    ]
    edge_rows += [
        (f"s:{bids[k]}", names[taps[k]], f"blk:{bids[k]}", float(service_m[k]), "service", sid[feed[taps[k]]])
        for k in kept
    ]
    edges = pd.DataFrame(
        edge_rows, columns=["edge_id", "from_node", "to_node", "length_m", "kind", "source_id"]
    )
    # keep only mains that lead to at least one block (a street tree's ends are terminals already)
    edge_blocks = _edge_blocks(edges, [bids[k] for k in kept])
    edges = edges[edges["edge_id"].isin(set(edge_blocks["edge_id"]))].reset_index(drop=True)
    block_source = pd.DataFrame(
        {"block_id": [bids[k] for k in kept], "source_id": [sid[feed[taps[k]]] for k in kept]}
    )
    used = set(edges["from_node"]) | set(edges["to_node"]) | {f"src:{s}" for s in sid}
    nodes = nodes[nodes.index.isin(used)]
    return Layout(regime, nodes, edges, edge_blocks, block_source, unreached, source_peak)


def within_sources(
    blocks: pd.DataFrame, sources: pd.DataFrame, regime: str, scenario: Scenario, must: np.ndarray
) -> np.ndarray:
    """The blocks a network may be laid to without outgrowing its sources (mask over ``blocks``).

    The ``must`` blocks (new builds the regime serves) come first; then the other blocks nearest a
    source of the regime, as long as the diversified design peak of all taken stays within the
    sources' capacity less the design pipe-loss share. Pipes are then sized for load the sources
    can deliver, not for every block that might have wanted the network (issue 14).
    """
    take = np.asarray(must, bool).copy()
    if not len(blocks):
        return take
    src = _check_inputs(blocks, sources, regime)
    budget_kw = float(src["capacity_mw"].sum()) * 1000 * (1 - figures().network.design_loss_share)
    loads = _block_loads(blocks, regime, scenario)
    total = loads[take].sum(axis=0)
    dist, _ = cKDTree(src[["x_rd", "y_rd"]].to_numpy(float)).query(blocks[["x_rd", "y_rd"]].to_numpy(float))
    for k in np.argsort(dist, kind="stable"):
        if take[k]:
            continue
        if _peak_kw(total + loads[k], regime) > budget_kw:
            break  # nearest first: the network ends where its sources run out
        take[k] = True
        total += loads[k]
    left = int((~take).sum())
    if left:
        log.info(
            "%s network: %d block(s) beyond what its sources (%.1f MW) can deliver are not laid to",
            regime,
            left,
            float(src["capacity_mw"].sum()),
        )
    return take
