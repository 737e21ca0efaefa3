"""Network input for the optimisation: the contract with ``heatplan.networks``, and its aggregation.

The optimisation sees a network regime as a tree of *segments*. Edges with the same set of
downstream blocks are always built in the same year at the optimum (each is needed exactly when
the first of those blocks connects), so they are merged into one segment (lengths and costs add;
the capacity is the smallest). Edges that serve a single block (service pipes, and main pipes
leading to one block only) are folded into that block's connection cost. Both steps are exact.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from heatplan.buildings.costs import pipe_cost_eur_per_m
from heatplan.buildings.demand import block_demand
from heatplan.errors import InputError

EDGE_COLUMNS = ("edge_id", "from_node", "to_node", "length_m", "kind", "source_id")
SIZING_COLUMNS = ("edge_id", "cost_eur", "capacity_kw", "design_peak_kw")


@dataclass(frozen=True)
class NetworkInput:
    """One regime's tree as the networks package describes it (see contract in docs/optimisation.md).

    ``edges``: edge_id, from_node, to_node, length_m, kind, source_id. ``edge_blocks``: edge_id,
    block_id (every block downstream of an edge). ``block_source``: block_id, source_id.
    ``sizing``: one row per edge with at least edge_id, cost_eur, capacity_kw, design_peak_kw
    (the output of ``heatplan.networks.sizing.size_layout``).
    """

    regime: str
    edges: pd.DataFrame
    edge_blocks: pd.DataFrame
    block_source: pd.DataFrame
    sizing: pd.DataFrame

    @classmethod
    def from_layout(cls, layout: object, sizing: pd.DataFrame) -> NetworkInput:
        """Build from a ``heatplan.networks.layout.Layout`` and its ``size_layout`` table."""
        return cls(
            regime=str(getattr(layout, "regime")),  # noqa: B009
            edges=getattr(layout, "edges"),  # noqa: B009
            edge_blocks=getattr(layout, "edge_blocks"),  # noqa: B009
            block_source=getattr(layout, "block_source"),  # noqa: B009
            sizing=sizing,
        )


@dataclass(frozen=True)
class Segments:
    """Aggregated tree of one regime, positions refer to the optimisation's block order."""

    regime: str
    cost_eur: np.ndarray  # per segment
    parent: np.ndarray  # per segment, -1 for a root segment
    members: list[np.ndarray]  # per segment: block positions downstream
    block_segment: np.ndarray  # per block: deepest segment (-1: none, e.g. next to the source)
    block_folded_cost_eur: np.ndarray  # per block: single-block edges folded into connection
    block_source: np.ndarray  # per block: source_id ("" if the block is not on this tree)
    edge_segment: dict[str, int]  # original edge_id -> segment (-1 when folded)
    segment_edges: list[list[str]]  # per segment: its edge ids
    folded_edge_block: dict[str, int]  # edge_id of a single-block edge -> that block's position
    cap_rows: list[CapacityRow] = field(default_factory=list)  # exact edges that could be overloaded
    edge_members: dict[str, np.ndarray] = field(default_factory=dict)  # edge_id -> downstream candidates
    edge_design_kw: dict[str, float] = field(default_factory=dict)  # edge_id -> sized design peak
    merged_segments: int = 0  # segments merged into their parent by ``coarsen``
    loss_gj_per_yr: np.ndarray = field(
        default_factory=lambda: np.zeros(0)
    )  # per segment, pipes' yearly heat loss
    block_folded_loss_gj_per_yr: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per block


@dataclass(frozen=True)
class CapacityRow:
    """Downstream candidates of an edge (chain) whose capacity is below its design peak."""

    members: np.ndarray
    capacity_kw: float
    design_peak_kw: float
    edge_id: str


def _check(net: NetworkInput) -> None:
    for name, df, cols in (
        ("edges", net.edges, EDGE_COLUMNS[:4]),
        ("edge_blocks", net.edge_blocks, ("edge_id", "block_id")),
        ("block_source", net.block_source, ("block_id", "source_id")),
        ("sizing", net.sizing, SIZING_COLUMNS),
    ):
        missing = [c for c in cols if c not in df]
        if missing:
            raise InputError(f"network '{net.regime}' {name}: missing column(s) {', '.join(missing)}")


def aggregate(net: NetworkInput, block_ids: pd.Index, candidates: np.ndarray | None = None) -> Segments:
    """Merge edges with identical downstream sets; fold single-block edges into blocks.

    Only ``candidates`` (blocks that may connect to this regime in the model) count as
    downstream: an edge leading to no candidate is never built, so it is left out.
    """
    _check(net)
    pos = pd.Series(np.arange(len(block_ids)), index=block_ids)
    keep = block_ids if candidates is None else block_ids[np.asarray(candidates, dtype=bool)]
    eb = net.edge_blocks[net.edge_blocks["block_id"].isin(keep)]
    eb = eb.assign(pos=pos.reindex(eb["block_id"]).to_numpy()).sort_values(["edge_id", "pos"])
    groups = eb.groupby("edge_id", sort=False)["pos"].agg(tuple)
    size = net.sizing.set_index("edge_id")
    if "heat_loss_gj_per_yr" not in size:  # a sizing without pipe physics (e.g. the stand-in)
        size = size.assign(heat_loss_gj_per_yr=0.0)
    folded = np.zeros(len(block_ids))
    folded_loss = np.zeros(len(block_ids))
    seg_of_set: dict[tuple[int, ...], int] = {}
    seg_edges: list[list[str]] = []
    edge_segment: dict[str, int] = {}
    folded_edge_block: dict[str, int] = {}
    for edge_id, members in groups.items():
        edge_cost = float(size.at[edge_id, "cost_eur"])
        if len(members) == 1:
            folded[members[0]] += edge_cost
            folded_loss[members[0]] += float(size.at[edge_id, "heat_loss_gj_per_yr"])
            edge_segment[str(edge_id)] = -1
            folded_edge_block[str(edge_id)] = int(members[0])
            continue
        k = seg_of_set.setdefault(members, len(seg_of_set))
        if k == len(seg_edges):
            seg_edges.append([])
        seg_edges[k].append(str(edge_id))
        edge_segment[str(edge_id)] = k
    sets = list(seg_of_set)
    n_seg = len(sets)
    cost = np.array([size.loc[e, "cost_eur"].sum() for e in seg_edges]) if n_seg else np.zeros(0)
    loss = np.array([size.loc[e, "heat_loss_gj_per_yr"].sum() for e in seg_edges]) if n_seg else np.zeros(0)
    # containment: for each block, its segments ordered from deepest (smallest) to root
    by_block: list[list[int]] = [[] for _ in range(len(block_ids))]
    for k, members in enumerate(sets):
        for b in members:
            by_block[b].append(k)
    parent = np.full(n_seg, -1)
    block_segment = np.full(len(block_ids), -1)
    for b, segs in enumerate(by_block):
        if not segs:
            continue
        chain = sorted(segs, key=lambda k: len(sets[k]))
        block_segment[b] = chain[0]
        for child, par in itertools.pairwise(chain):
            parent[child] = par
    src = net.block_source.drop_duplicates("block_id").set_index("block_id")["source_id"]
    block_src = src.reindex(block_ids).fillna("").astype(str).to_numpy()
    cap_rows = _capacity_rows(size, sets, seg_edges)
    return Segments(
        regime=net.regime,
        cost_eur=cost,
        parent=parent,
        members=[np.array(s, dtype=int) for s in sets],
        block_segment=block_segment,
        block_folded_cost_eur=folded,
        block_source=block_src,
        edge_segment=edge_segment,
        segment_edges=seg_edges,
        folded_edge_block=folded_edge_block,
        cap_rows=cap_rows,
        edge_members={str(e): np.array(m, dtype=int) for e, m in groups.items()},
        edge_design_kw={str(e): float(v) for e, v in size["design_peak_kw"].items()},
        loss_gj_per_yr=loss,
        block_folded_loss_gj_per_yr=folded_loss,
    )


def _capacity_rows(
    size: pd.DataFrame, sets: list[tuple[int, ...]], seg_edges: list[list[str]]
) -> list[CapacityRow]:
    """One row per segment whose tightest edge has less capacity than its own design peak.

    The edges of a segment share their candidate blocks but not their whole downstream load (an
    upstream edge also carries blocks that are not candidates), so each edge is judged against
    its own design peak: the row is that of the edge with the smallest capacity / design ratio.
    """
    rows = []
    for k, edges in enumerate(seg_edges):
        e = size.loc[edges]
        ratio = e["capacity_kw"] / e["design_peak_kw"].where(e["design_peak_kw"] > 0)
        if not (ratio < 1.0).any():
            continue
        tight = str(ratio.idxmin())
        rows.append(
            CapacityRow(
                np.array(sets[k], dtype=int),
                float(size.at[tight, "capacity_kw"]),
                float(size.at[tight, "design_peak_kw"]),
                tight,
            )
        )
    return rows


def coarsen(seg: Segments, max_segments: int | None) -> Segments:
    """At most ``max_segments`` segments: the cheapest non-root segments are merged into their parent.

    An approximation that can only overstate network cost: a merged segment is built with its
    parent (no later than it is needed), so every schedule stays valid for the exact tree. The
    edge capacity rows keep the exact edges (``cap_rows``).
    """
    n = len(seg.cost_eur)
    if max_segments is None or n <= max_segments:
        return seg
    order = [int(k) for k in np.argsort(seg.cost_eur, kind="stable") if seg.parent[k] >= 0][
        : n - max_segments
    ]
    merged = np.zeros(n, dtype=bool)
    merged[order] = True
    top = np.arange(n)
    for k in range(n):  # survivor: the nearest ancestor-or-self that is not merged
        j = k
        while merged[j]:
            j = int(seg.parent[j])
        top[k] = j
    keep = np.nonzero(~merged)[0]
    new_id = np.full(n, -1)
    new_id[keep] = np.arange(len(keep))
    cost = np.zeros(len(keep))
    np.add.at(cost, new_id[top], seg.cost_eur)
    loss = np.zeros(len(keep))
    np.add.at(loss, new_id[top], seg.loss_gj_per_yr)
    edges: list[list[str]] = [[] for _ in keep]
    for k in range(n):
        edges[new_id[top[k]]] += seg.segment_edges[k]
    parent = np.array([new_id[top[seg.parent[k]]] if seg.parent[k] >= 0 else -1 for k in keep], dtype=int)
    block_seg = np.where(seg.block_segment >= 0, new_id[top[np.maximum(seg.block_segment, 0)]], -1)
    edge_segment = {e: (int(new_id[top[k]]) if k >= 0 else -1) for e, k in seg.edge_segment.items()}
    return replace(
        seg, cost_eur=cost, parent=parent, members=[seg.members[k] for k in keep], block_segment=block_seg,
        edge_segment=edge_segment, segment_edges=edges, merged_segments=len(order), loss_gj_per_yr=loss,
    )  # fmt: skip


def standin_network(
    blocks: pd.DataFrame, sources: pd.DataFrame, regime: str, detour_factor: float = 1.25
) -> NetworkInput:
    """A simple radial stand-in following the networks contract (for tests and benchmarks).

    Each block hangs on its nearest source of the regime: source -> wijk junction (main) ->
    buurt junction (main) -> block (service). Lengths are straight lines times ``detour_factor``;
    each pipe is sized at the diversified design peak of its downstream blocks and costed with
    ``pipe_cost_eur_per_m``. Not a street layout: the real one is ``heatplan.networks.layout``.
    """
    src = sources[sources["regime"] == regime].reset_index(drop=True)
    if src.empty or blocks.empty:
        empty = pd.DataFrame(columns=list(EDGE_COLUMNS))
        return NetworkInput(
            regime,
            empty,
            pd.DataFrame(columns=["edge_id", "block_id"]),
            pd.DataFrame(columns=["block_id", "source_id"]),
            pd.DataFrame(columns=list(SIZING_COLUMNS)),
        )
    bx, by = blocks["x_rd"].to_numpy(), blocks["y_rd"].to_numpy()
    d = np.hypot(bx[:, None] - src["x_rd"].to_numpy()[None], by[:, None] - src["y_rd"].to_numpy()[None])
    near = src["source_id"].to_numpy()[d.argmin(axis=1)]
    peak = block_demand(blocks, regime="lt" if regime == "lt" else "mt")["peak_kw"].to_numpy()
    df = pd.DataFrame(
        {
            "block_id": blocks["block_id"].to_numpy(),
            "src": near,
            "wijk": blocks["wijk_code"].to_numpy(),
            "buurt": blocks["buurt_code"].to_numpy(),
            "x": bx,
            "y": by,
            "peak": peak,
        }
    )
    rows: list[tuple[str, str, str, float, str, str, float]] = []
    members: list[tuple[str, list[str]]] = []
    sxy = src.set_index("source_id")[["x_rd", "y_rd"]]
    for (s, wijk), wg in df.groupby(["src", "wijk"]):
        wx, wy = wg["x"].mean(), wg["y"].mean()
        w_id = f"{regime}:{s}:{wijk}"
        length = float(np.hypot(wx - sxy.at[s, "x_rd"], wy - sxy.at[s, "y_rd"])) * detour_factor + 1.0
        rows.append((f"{w_id}:main", f"src:{s}", w_id, length, "main", str(s), float(wg["peak"].sum())))
        members.append((f"{w_id}:main", wg["block_id"].tolist()))
        for buurt, bg in wg.groupby("buurt"):
            ux, uy = bg["x"].mean(), bg["y"].mean()
            u_id = f"{w_id}:{buurt}"
            length = float(np.hypot(ux - wx, uy - wy)) * detour_factor + 1.0
            rows.append((f"{u_id}:main", w_id, u_id, length, "main", str(s), float(bg["peak"].sum())))
            members.append((f"{u_id}:main", bg["block_id"].tolist()))
            for r in bg.itertuples():
                length = float(np.hypot(r.x - ux, r.y - uy)) * detour_factor + 5.0
                e = f"{regime}:svc:{r.block_id}"
                rows.append((e, u_id, f"blk:{r.block_id}", length, "service", str(s), float(r.peak)))
                members.append((e, [str(r.block_id)]))
    edges = pd.DataFrame(rows, columns=[*EDGE_COLUMNS, "sum_peak_kw"])
    # diversified design peak ~ large-group factor on the sum of block peaks (stand-in only)
    design = edges["sum_peak_kw"].to_numpy()
    sizing = pd.DataFrame(
        {
            "edge_id": edges["edge_id"],
            "cost_eur": pipe_cost_eur_per_m(design / 1000.0) * edges["length_m"],
            "capacity_kw": design * 1.2,
            "design_peak_kw": design,
        }
    )
    edge_blocks = pd.DataFrame([(e, b) for e, bs in members for b in bs], columns=["edge_id", "block_id"])
    block_source = df[["block_id", "src"]].rename(columns={"src": "source_id"})
    return NetworkInput(regime, edges.drop(columns="sum_peak_kw"), edge_blocks, block_source, sizing)
