"""Annuities and discounting (PBL's method, vesta-economics/README.md section 1).

An investment ``K`` with technical lifetime ``L`` costs the country ``K * AF(r, L)`` every year
of its use, with the annuity factor ``AF(r, L) = r / (1 - (1 + r)^-L)`` (``1/L`` at ``r = 0``).
Counted from the year it is made to the end of the evaluation window, a replacement at the end
of its life is implied and no option gains from an end effect.
"""

from __future__ import annotations

import numpy as np


def annuity_factor(rate: float, lifetime_yr: float | np.ndarray) -> np.ndarray:
    """Yearly payment per EUR invested over ``lifetime_yr`` years at ``rate`` (Vesta NcwSchema, S=0)."""
    n = np.asarray(lifetime_yr, dtype=float)
    if rate == 0:
        return np.asarray(1.0 / n)
    return np.asarray(rate / (1.0 - (1.0 + rate) ** -n))


def discount_factors(years: np.ndarray, rate: float, base_year: int) -> np.ndarray:
    """``(1 + r)^-(year - base_year)`` per year."""
    return np.asarray((1.0 + rate) ** -(np.asarray(years, dtype=float) - base_year))


def suffix_sums(values: np.ndarray) -> np.ndarray:
    """``out[..., k] = sum(values[..., k:])`` along the last axis (a cost from year k to the window's end)."""
    return np.asarray(np.flip(np.cumsum(np.flip(values, axis=-1), axis=-1), axis=-1))


def from_year_npv_factor(
    rate: float, base_year: int, window_years: np.ndarray, start_years: np.ndarray
) -> np.ndarray:
    """NPV (at ``base_year``) of 1 EUR a year paid from each start year to the window's end, inclusive."""
    disc = discount_factors(window_years, rate, base_year)
    tail = suffix_sums(disc)
    pos = np.clip(np.asarray(start_years, dtype=int) - int(window_years[0]), 0, len(window_years))
    padded = np.concatenate([tail, [0.0]])
    return np.asarray(padded[pos])
