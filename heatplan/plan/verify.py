"""Verify every planned year with the network simulation, and turn failures into cuts.

For each planned year and regime the network state is: the blocks connected by then (option,
connection year, not yet demolished), each at its label that year (the target label from its
insulation year on), fed by the sources in service that year. Each state is simulated at design
load and at the low-load case (``scenario.networks.low_load_fraction``, summer hot water).
Identical states are simulated once.

At summer load only hot water is drawn, so the supply that must arrive is the regime's
``low_load_required_supply_c``, not the label's design figure (``hot_water_only``).

Bypass remedy (docs/method.md): where the supply that must arrive does not (at design or at low
load), the block's substation gets a **bypass** that keeps a minimum circulation (modelled as a
return set-point ``supply - bypass_dt_k``, i.e. more flow through the branch) and the state is
simulated again; its cost is a bypass valve per block plus the extra heat loss.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xarray as xr

from heatplan import failures as failures_mod
from heatplan.errors import ConvergenceError
from heatplan.failures import STATE_COLUMNS, Kind
from heatplan.networks.layout import Layout
from heatplan.networks.simulate import simulate
from heatplan.networks.verdict import TEMP_TOL_K, failures_table
from heatplan.scenario import Scenario

log = logging.getLogger(__name__)


@dataclass
class StateCheck:
    """The verdict of one regime in one year at one load case; its failures as a table."""

    year: int
    regime: str
    load: str  # "design" or "low"
    n_connected: int
    converged: bool
    failures: pd.DataFrame = field(default_factory=failures_mod.empty)  # heatplan.failures table
    min_supply_temp_c: float = float("nan")
    heat_loss_pct: float = float("nan")
    source_load_mw: dict[str, float] = field(default_factory=dict)
    bypass_blocks: tuple[str, ...] = ()
    bypass_extra_loss_w: float = 0.0

    @property
    def ok(self) -> bool:
        """True if the state passed."""
        return self.converged and self.failures.empty

    @property
    def failing_blocks(self) -> list[str]:
        """The blocks with at least one failure, in the table's order."""
        f = self.failures
        return list(dict.fromkeys(f.loc[f["element"] == "block", "id"]))

    @property
    def n_failures(self) -> int:
        """Failing blocks plus source and state failures (a block with two failures counts once)."""
        f = self.failures
        return len(self.failing_blocks) + int((f["element"] != "block").sum())

    def kinds(self) -> set[str]:
        """The kinds of failure in this state."""
        return set(self.failures["kind"])

    def table(self) -> pd.DataFrame:
        """The failures with this state's year, regime and load in front."""
        f = self.failures.copy()
        for k, (col, v) in enumerate(zip(STATE_COLUMNS, (self.year, self.regime, self.load), strict=True)):
            f.insert(k, col, v)
        f["year"] = f["year"].astype(int)
        return f


@dataclass
class NetworkModels:
    """The laid-out and sized networks the plan is verified on."""

    layouts: dict[str, Layout]
    sizings: dict[str, pd.DataFrame]
    sources: pd.DataFrame


def labels_in_year(stock: pd.DataFrame, table: pd.DataFrame, year: int) -> pd.Series:
    """Each block's label in ``year``: the insulation target from its insulation year on."""
    ins = table["insulation_year"].reindex(stock.index)
    target = table["insulation_label"].reindex(stock.index).fillna("")
    done = ins.notna() & (ins <= year) & (target != "")
    return stock["label"].where(~done.to_numpy(), target)


def connected_in_year(stock: pd.DataFrame, table: pd.DataFrame, year: int, regime: str) -> list[str]:
    """Blocks on ``regime``'s network in ``year`` (connected, not yet demolished)."""
    conn = table["connection_year"].reindex(stock.index)
    opt = table["option"].reindex(stock.index)
    gone = stock["demolition_year"].notna() & (stock["demolition_year"] <= year)
    on = (opt == regime) & conn.notna() & (conn <= year) & ~gone
    return stock.loc[on.fillna(False).astype(bool), "block_id"].astype(str).tolist()


class Verifier:
    """Simulates planned years with a cache of identical network states."""

    def __init__(self, stock: pd.DataFrame, scenario: Scenario, nets: NetworkModels) -> None:
        """Keep the stock (indexed 0..n-1), scenario and networks."""
        self.stock, self.scenario, self.nets = stock, scenario, nets
        self._cache: dict[tuple[object, ...], StateCheck] = {}
        self.simulations = 0

    def check_year(self, table: pd.DataFrame, year: int) -> list[StateCheck]:
        """Design and low-load checks of every regime in ``year``."""
        labels = labels_in_year(self.stock, table, year)
        out = []
        for regime in self.nets.layouts:
            conn = connected_in_year(self.stock, table, year, regime)
            on_layout = set(self.nets.layouts[regime].block_source["block_id"])
            conn = [b for b in conn if b in on_layout]
            srcs = self.nets.sources[
                (self.nets.sources["regime"] == regime) & (self.nets.sources["available_year"] <= year)
            ]
            for load in ("design", "low"):
                out.append(self._check(year, regime, load, conn, labels, srcs))
        return out

    def _check(
        self, year: int, regime: str, load: str, conn: list[str], labels: pd.Series, srcs: pd.DataFrame
    ) -> StateCheck:
        pos = pd.Series(self.stock.index, index=self.stock["block_id"].astype(str))
        labs = tuple(labels.loc[pos.loc[conn]].astype(str)) if conn else ()
        key = (regime, load, tuple(conn), labs, tuple(srcs["source_id"]))
        cached = self._cache.get(key)
        if cached is not None:
            return _copy_for_year(cached, year)
        if not conn:
            res = StateCheck(year, regime, load, 0, True)
        else:
            res = self._simulate(year, regime, load, conn, labels, srcs)
        self._cache[key] = res
        return res

    def _run(
        self,
        regime: str,
        conn: list[str],
        labels: pd.Series,
        srcs: pd.DataFrame,
        frac: float,
        return_c: pd.Series | None = None,
    ) -> xr.Dataset:
        self.simulations += 1
        return simulate(
            self.nets.layouts[regime],
            self.nets.sizings[regime],
            self.stock,
            self.scenario,
            connected=conn,
            labels=labels,
            load_fraction=frac,
            sources=srcs,
            return_setpoint_c=return_c,
            hot_water_only=frac < 1.0,
        )

    def _simulate(
        self, year: int, regime: str, load: str, conn: list[str], labels: pd.Series, srcs: pd.DataFrame
    ) -> StateCheck:
        frac = 1.0 if load == "design" else self.scenario.networks.low_load_fraction
        try:
            ds = self._run(regime, conn, labels, srcs, frac)
        except ConvergenceError as exc:
            return StateCheck(year, regime, load, len(conn), False, _not_converged(exc))
        return self._bypass_verdict(
            _summarise(ds, year, regime, load, len(conn)), ds, conn, labels, srcs, frac
        )

    @staticmethod
    def _need_c(ds: xr.Dataset) -> np.ndarray:
        """Supply temperature that must arrive per block (the label's, or hot water's at low load)."""
        return np.asarray(ds["required_supply_c"].to_numpy(), float)

    def _bypass_verdict(
        self,
        res: StateCheck,
        ds: xr.Dataset,
        conn: list[str],
        labels: pd.Series,
        srcs: pd.DataFrame,
        frac: float,
    ) -> StateCheck:
        """Where the supply that must arrive does not, give those blocks a bypass and simulate again."""
        need = self._need_c(ds)
        cold = _cold_blocks(ds, need)
        if not cold or not self.scenario.verification.allow_bypass:
            return res
        net = self.scenario.networks
        spec = net.mt if res.regime == "mt" else net.lt
        ret = pd.Series(spec.return_temp_c, index=self.stock.index)
        pos = pd.Series(self.stock.index, index=self.stock["block_id"].astype(str))
        ret.loc[pos.loc[cold]] = spec.supply_temp_c - net.bypass_dt_k
        try:
            ds2 = self._run(res.regime, conn, labels, srcs, frac, return_c=ret)
        except ConvergenceError as exc:
            res.failures = _concat(res.failures, _not_converged(exc, remedy="bypass"))
            return res
        still = set(_cold_blocks(ds2, self._need_c(ds2)))
        res.failures = _after_bypass(res.failures, ds2, cold, still, self._need_c(ds2))
        res.bypass_blocks = tuple(sorted(set(cold) - still))
        res.bypass_extra_loss_w = float(ds2.attrs.get("heat_loss_w", 0.0)) - float(
            ds.attrs.get("heat_loss_w", 0.0)
        )
        res.heat_loss_pct = float(ds2.attrs.get("heat_loss_pct", res.heat_loss_pct))
        t2 = ds2["t_supply_c"].where(ds2["simulated"]).to_numpy()
        res.min_supply_temp_c = float(np.nanmin(t2)) if np.isfinite(t2).any() else float("nan")
        return res


def _cold_blocks(ds: xr.Dataset, need_c: np.ndarray) -> list[str]:
    t = ds["t_supply_c"].to_numpy()
    sim = ds["simulated"].to_numpy()
    return [str(b) for b in ds["block"].to_numpy()[sim & (t < need_c - TEMP_TOL_K)]]


def _not_converged(exc: Exception, remedy: str = "") -> pd.DataFrame:
    row = failures_mod.row("state", "", Kind.NOT_CONVERGED, context=str(exc), remedy=remedy)
    return failures_mod.table([row])


def _concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    return b if a.empty else pd.concat([a, b], ignore_index=True)


def _after_bypass(
    f: pd.DataFrame, ds2: xr.Dataset, cold: list[str], still: set[str], need_c: np.ndarray
) -> pd.DataFrame:
    """The failures once ``cold`` blocks have a bypass.

    Their temperature failures are replaced by those of the second simulation (the ``still``
    cold ones, with ``remedy`` "bypass"); each block's rows stay together, in block order.
    """
    temp = (f["element"] == "block") & (f["kind"] == Kind.TEMPERATURE) & f["id"].isin(cold)
    context = dict(zip(f.loc[temp, "id"], f.loc[temp, "context"], strict=True))
    pos = {str(b): i for i, b in enumerate(ds2["block"].to_numpy())}
    t = ds2["t_supply_c"].to_numpy()
    rows = [
        failures_mod.row(
            "block", b, Kind.TEMPERATURE, float(t[pos[b]]), float(need_c[pos[b]]), "°C",
            context.get(b, ""), remedy="bypass", below=True,
        )
        for b in cold
        if b in still
    ]  # fmt: skip
    out = _concat(f[~temp.to_numpy()].reset_index(drop=True), failures_mod.table(rows))
    order = out["id"].map(pos).where(out["element"] == "block", len(pos))
    return out.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _summarise(ds: xr.Dataset, year: int, regime: str, load: str, n: int) -> StateCheck:
    loads = {}
    if "source" in ds.dims:
        loads = {
            str(s): float(q) / 1e6
            for s, q in zip(ds["source"].to_numpy(), ds["source_heat_w"].to_numpy(), strict=True)
        }
    return StateCheck(
        year,
        regime,
        load,
        n,
        bool(ds.attrs.get("converged", 1)),
        failures_table(ds),
        float(ds.attrs.get("min_supply_temp_c", np.nan)),
        float(ds.attrs.get("heat_loss_pct", np.nan)),
        loads,
    )


def _copy_for_year(c: StateCheck, year: int) -> StateCheck:
    return replace(c, year=year, failures=c.failures.copy(), source_load_mw=dict(c.source_load_mw))
