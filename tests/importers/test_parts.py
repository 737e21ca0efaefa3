"""Header matching, value parsing, dwelling types and the weighted median."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings.importers.aggregate import most_common, weighted_median
from heatplan.buildings.importers.common import norm_header, parse_date_key, parse_id, parse_number
from heatplan.buildings.importers.dwelling_types import type_code, vesta_types


def test_headers_match_across_layouts() -> None:
    assert norm_header("Pand_bagverblijfsobjectid") == norm_header("BAGVerblijfsobjectID")
    assert norm_header(" Pand_gebruiksoppervlakte_thermische_zone") == norm_header(
        "GebruiksoppervlakteThermischeZone"
    )
    assert norm_header("pand_identificatie", strip_pand=False) == "pandidentificatie"


def test_parse_values() -> None:
    ids = parse_id(pd.Series(["0518010000000001", "NL.IMBAG.Pand.0518100000000002",
                              "0518100000000003,0518100000000004", "", "x"]))  # fmt: skip
    assert ids.tolist()[:3] == [518010000000001, 518100000000002, 518100000000003]
    assert ids.isna().tolist()[3:] == [True, True]
    assert parse_number(pd.Series(["28,5", "28.5", "", "1e3"])).tolist()[:2] == [28.5, 28.5]
    dates = parse_date_key(pd.Series(["20200301", "", "2021-01-02"]))
    assert dates.tolist() == [20200301, 0, 20210102]
    assert parse_date_key(pd.Series(["15-03-2020", "01-12-2019"])).tolist() == [20200315, 20191201]


@pytest.mark.parametrize(
    ("text", "code"),
    [("Appartement | Tussenvloer tussengevel", 5), ("Vrijstaande woning", 1),
     ("Twee-onder-een-kap / rijwoning hoek", 2), ("Rijwoning hoek", 3),
     ("Rijwoning tussen", 4), ("Portiekwoning", 5), ("Woonboot", 0)],
)  # fmt: skip
def test_type_codes(text: str, code: int) -> None:
    assert type_code(text) == code


def test_vesta_types_use_pand_size() -> None:
    out = vesta_types(np.array([5, 5, 0, 0, 3]), np.array([4, 40, 1, 2, 1]))
    assert out.tolist() == ["meergezins: laag en midden", "meergezins: hoog", "rijwoning tussen",
                            "meergezins: laag en midden", "rijwoning hoek"]  # fmt: skip


def test_weighted_median_against_brute_force() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 30, 400)
    values = rng.integers(0, 12, 400)
    weights = rng.uniform(1, 100, 400)
    got = weighted_median(codes, values, weights, 30)
    for g in range(30):
        v, w = values[codes == g], weights[codes == g]
        # the lowest value whose cumulative weight (values sorted) reaches half the total
        best = min(x for x in v if w[v <= x].sum() >= w.sum() / 2)
        assert got[g] == best


def test_most_common_breaks_ties_by_sort_order() -> None:
    out = most_common(np.array([0, 0, 0, 1, 1]), pd.Series(["b", "a", "b", "z", "y"]), 2)
    assert out.tolist() == ["b", "y"]


def test_block_keys_fall_back_on_pand_then_own_id() -> None:
    from heatplan.buildings.importers.aggregate import block_keys

    d = pd.DataFrame(
        {
            "vbo_id": [518010000000001, 518010000000002, 518010000000003],
            "pand_id": [518100000000009, 0, 518100000000009],
            "postcode": pd.Categorical(["2531 aa", None, ""]),
        }
    )
    codes, ids = block_keys(d, "pand")
    assert ids[codes].tolist() == ["0518100000000009", "vbo-0518010000000002", "0518100000000009"]
    codes, ids = block_keys(d, "postcode")
    assert ids[codes].tolist() == ["2531AA", "vbo-0518010000000002", "0518100000000009"]


def test_latest_label_per_dwelling() -> None:
    from heatplan.buildings.importers.eponline import _latest

    labels = pd.DataFrame(
        {
            "vbo_id": [2, 1, 1, 1, 2, 2],
            "label_rank": [0, 1, 2, 3, 4, 5],
            "survey_date": [20200101, 20190101, 20210101, 20210101, 20200101, 20200101],
            "registration_date": [20200105, 20190101, 20210301, 20210201, 20200102, 20200105],
        }
    )
    got = _latest(labels).set_index("vbo_id")["label_rank"].to_dict()
    # vbo 1: same survey date, later registration (rank 2) wins;
    # vbo 2: same survey and registration date (ranks 0 and 5): the later row wins.
    assert got == {1: 2, 2: 5}
