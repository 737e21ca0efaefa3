"""National costs the PBL way (docs/economics.md).

Annuities over technical lifetimes, O&M, energy at prices without energy tax and VAT, over one
evaluation window for every option.

Sits beside ``heatplan.buildings`` and before ``heatplan.optimisation``: the optimisation takes
the discounted cost of "block b switches to option o in year t" from here as a constant.
"""

from heatplan.economics.annuity import annuity_factor, discount_factors, from_year_npv_factor, suffix_sums
from heatplan.economics.npv import (
    Annual,
    annual_items,
    induction_annual,
    item_cost_in_year,
    item_npv_from,
    npv_from,
    segment_annual,
)
from heatplan.economics.options import KEYS, BlockContext, OptionItems, heat_chain_per_gj, option_items
from heatplan.economics.prices import CARRIERS, Window, make_window, price_path

__all__ = [
    "CARRIERS",
    "KEYS",
    "Annual",
    "BlockContext",
    "OptionItems",
    "Window",
    "annual_items",
    "annuity_factor",
    "discount_factors",
    "from_year_npv_factor",
    "heat_chain_per_gj",
    "induction_annual",
    "item_cost_in_year",
    "item_npv_from",
    "make_window",
    "npv_from",
    "option_items",
    "price_path",
    "segment_annual",
    "suffix_sums",
]
