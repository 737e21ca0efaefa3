"""The electricity grid: MV/LV grid tables solved with pandapower (issue 15, docs/grid.md)."""

from heatplan.grid.powerflow import (
    EN50160_BAND_PU,
    Grid,
    GridResult,
    GridSolver,
    cable_rating_ka,
    check_grid,
    run_grid,
    station_rating_kva,
    violations,
)

__all__ = [
    "EN50160_BAND_PU",
    "Grid",
    "GridResult",
    "GridSolver",
    "cable_rating_ka",
    "check_grid",
    "run_grid",
    "station_rating_kva",
    "violations",
]
