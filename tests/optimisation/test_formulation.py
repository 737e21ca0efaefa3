"""The formulation's strength (the LP bound) and the greedy start's feasibility."""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.optimisation.inputs import OPTIONS
from heatplan.optimisation.solve import Session
from tests.optimisation.helpers import instance


def test_options_needing_one_label_share_one_insulation_row() -> None:
    # LT and the heat pump both need label A: the LP may not split a block between them and
    # pay half its insulation (with one row per option, this instance's LP does exactly that).
    inp = instance(n=6, seed=4, eur_per_m=800.0, options={"allowed": ("mt", "lt", "hp")})
    s = Session(inp)
    cols, _ = s.relaxation(30)
    assert cols is not None
    idx = s.built.index
    lev = inp.levels.index("A")
    lt, hp = OPTIONS.index("lt"), OPTIONS.index("hp")
    for b in np.nonzero(idx.ins[:, lev, 0] >= 0)[0]:
        x = cols[idx.x[b, lt]] + cols[idx.x[b, hp]]
        assert np.all(x <= cols[idx.ins[b, lev]] + 1e-6)


def test_greedy_start_leaves_room_for_later_new_builds() -> None:
    # b1 is a new build joining the LT source in 2028; the source has room for b0 and half of b1.
    # Placing b0 on LT in 2026 would fit that year and overload the source from 2028.
    from heatplan.optimisation.greedy import greedy_schedule
    from heatplan.optimisation.inputs import build_inputs
    from heatplan.optimisation.schedule import to_columns
    from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

    blocks = make_blocks(2, seed=3)
    blocks["new_build_year"] = pd.array([pd.NA, 2028], dtype="Int64")
    sc = small_scenario(options={"allowed": ("lt", "hp")})
    nets = {r: tree_network(blocks, r, source_id="s1" if r == "mt" else "s2") for r in ("mt", "lt")}
    probe = build_inputs(blocks, sc, nets, sources_table())
    lt = OPTIONS.index("lt")
    mw = (probe.source_kw[0, lt] + 0.5 * probe.new_build_source_load_kw("s2")[-1]) / 1000.0
    inp = build_inputs(blocks, sc, nets, sources_table(lt_mw=mw))
    s = Session(inp)
    idx = s.built.index
    guide = np.zeros(len(s.built.variables))  # an LP that puts every block on LT at once
    guide[idx.x[:, lt][idx.x[:, lt, 0] >= 0].ravel()] = 1.0
    sched = greedy_schedule(inp, idx, guide)
    assert s._feasible(to_columns(inp, idx, sched))
    assert sched.option[0] != lt or sched.switch_year[0] >= 2028


def _cut_instance() -> tuple:
    from heatplan.optimisation.greedy import greedy_schedule

    inp = instance(n=6, seed=8, eur_per_m=50.0, options={"allowed": ("mt", "hp")})
    s = Session(inp)
    plain = greedy_schedule(inp, s.built.index)
    assert (plain.option == OPTIONS.index("mt")).sum() >= 4  # MT is the cheap option here
    return inp, s, plain


def test_greedy_keeps_a_derated_source() -> None:
    # After an overload the loop derates a source (one cut row per year). The greedy rounding
    # must keep it, or a re-solve has no feasible start and no certificate.
    from heatplan.optimisation.cuts import Cut, Term
    from heatplan.optimisation.greedy import greedy_schedule
    from heatplan.optimisation.schedule import to_columns

    inp, s, plain = _cut_instance()
    mt = OPTIONS.index("mt")
    kw = inp.source_kw[:, mt]
    ub = 0.5 * float(kw[plain.option == mt].sum())
    pairs = list(zip(inp.block_ids, kw, strict=True))
    row = lambda y: tuple(Term("connect", b, y, float(k), "mt") for b, k in pairs)  # noqa: E731
    s.add_cuts([Cut(f"derated s1 ({y})", row(int(y)), ub=ub) for y in inp.years])
    idx = s.built.index
    assert not s._feasible(to_columns(inp, idx, plain))
    sched = greedy_schedule(inp, idx, book=s.cut_book())
    assert s._feasible(to_columns(inp, idx, sched))
    assert float(kw[sched.option == mt].sum()) <= ub + 1e-6
    assert (sched.option == OPTIONS.index("hp")).sum() >= 1  # no room on MT: a heat pump instead


def test_greedy_waits_for_a_delay_and_a_branch_load() -> None:
    # A delay makes a block wait (it keeps its network); a branch-load cut makes the far block
    # wait until the other blocks of its branch are connected.
    from heatplan.optimisation.cuts import min_branch_load, not_before
    from heatplan.optimisation.greedy import greedy_schedule
    from heatplan.optimisation.schedule import to_columns

    inp, s, plain = _cut_instance()
    mt = OPTIONS.index("mt")
    on_mt = np.nonzero(plain.option == mt)[0]
    late, far = int(on_mt[0]), int(on_mt[-1])
    others = [str(inp.block_ids[b]) for b in on_mt if b not in (late, far)]
    need_kw = float(inp.peak_kw[[b for b in on_mt if b not in (late, far)], mt].sum())
    s.add_cuts([not_before(str(inp.block_ids[late]), 2028)])
    s.add_cuts(min_branch_load(inp, "mt", others, str(inp.block_ids[far]), need_kw))
    idx = s.built.index
    sched = greedy_schedule(inp, idx, book=s.cut_book())
    assert s._feasible(to_columns(inp, idx, sched))
    assert sched.option[late] == mt and sched.switch_year[late] >= 2028
    assert sched.option[far] == mt
    assert sched.switch_year[far] >= max(sched.switch_year[[b for b in on_mt if b not in (late, far)]])
