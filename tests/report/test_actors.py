"""Who pays what in the reports: the sheet "Per partij", the owner-sheet columns, the HTML section."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xarray as xr

from heatplan.planfile import actor_totals, housing_frame, who_pays
from heatplan.report.actor_data import ACTOR_VARS, OWNER_TYPE_COLUMNS, has_actors
from heatplan.report.excel import OWNER_COLUMNS, write_excel
from heatplan.report.html import render_html
from heatplan.report.plan_data import Plan, load_plan
from heatplan.report.text import Text

NL = Text("nl")


def _plan(small_plan_dir: Path, ds: xr.Dataset | None = None) -> Plan:
    plan = load_plan(small_plan_dir)
    return plan if ds is None else replace(plan, ds=ds)


def _sheet(path: Path, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def _year_table(rows: list[tuple]) -> tuple[list[str], dict[int, tuple]]:
    """The sheet's header row (starting "Jaar") and its year rows by year."""
    i = next(k for k, r in enumerate(rows) if r[0] == "Jaar")
    head = [str(h) for h in rows[i] if h is not None]
    body = {}
    for r in rows[i + 1 :]:
        if not isinstance(r[0], int | float):
            break
        body[int(r[0])] = r
    return head, body


def _owner_row(path: Path, block_id: str) -> dict[str, object]:
    """The owner-sheet row of ``block_id``, by header."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        for ws in wb.worksheets[1:]:
            rows = list(ws.iter_rows(values_only=True))
            if not rows or rows[0][0] != "Blok":
                continue
            for r in rows[1:]:
                if r[0] == block_id:
                    return dict(zip(rows[0], r, strict=True))
    finally:
        wb.close()
    raise AssertionError(f"{block_id} on no owner sheet")


@pytest.fixture(scope="module")
def small_ds(small_plan_dir: Path) -> xr.Dataset:
    with xr.open_dataset(small_plan_dir / "plan.nc") as ds:
        return ds.load()


def test_actor_sheet_equals_actor_totals_and_the_national_cost(small_plan_dir: Path, small_ds: xr.Dataset):
    ds = small_ds
    assert has_actors(ds)
    totals = actor_totals(ds)
    head, body = _year_table(_sheet(small_plan_dir / "schedule.xlsx", "Per partij"))
    assert sorted(body) == [int(y) for y in ds["year"].values]
    names = {NL[f"a_{a}"]: a for a in totals.columns}
    assert set(names) <= set(head) and len(names) == len(totals.columns) >= 5
    col = {h: j for j, h in enumerate(head)}
    items = [str(i) for i in ds["item"].values]
    keep = [i for i in items if i not in ("bypass_capex", "bypass_heat_loss")]
    for y, row in body.items():
        for word, actor in names.items():
            assert row[col[word]] == pytest.approx(float(totals.at[y, actor]), abs=1e-6), (y, actor)
        national = float(ds["cost_eur_by_year"].sel(year=y, item=keep).sum())
        assert national > 0
        # what all actors pay net = the year's national cost without the bypasses, to the cent
        assert row[col["Totaal alle partijen [EUR]"]] == pytest.approx(national, abs=0.005), y
        assert sum(row[col[w]] for w in names) == pytest.approx(national, abs=0.005), y
        everything = float(ds["cost_eur_by_year"].sel(year=y).sum())
        assert row[col["Nationale kosten [EUR]"]] == pytest.approx(everything, abs=0.005)
        bypass = everything - national
        assert row[col["waarvan bypass, bij geen partij geboekt [EUR]"]] == pytest.approx(bypass, abs=0.005)


def test_actor_sheet_npv_and_owner_types_equal_who_pays(small_plan_dir: Path, small_ds: xr.Dataset):
    wp = who_pays(small_ds)
    rows = _sheet(small_plan_dir / "schedule.xlsx", "Per partij")
    head, _ = _year_table(rows)
    npv = next(r for r in rows if str(r[0]).startswith("Contante waarde"))
    assert npv[0] == "Contante waarde 2026 t/m 2070 [EUR]"
    for actor, eur in wp["npv_eur_by_actor"].items():
        assert npv[head.index(NL[f"a_{actor}"])] == eur
    assert sum(v for k, v in wp["npv_eur_by_kind"].items() if k != "cost") == 0
    change = [r for r in rows if str(r[0]).startswith("Verschil met niets doen")]
    if "actor_flow_reference_npv_eur" in small_ds:  # the difference from doing nothing, per actor
        assert len(change) == 1
        for actor, eur in wp["npv_change_eur_by_actor"].items():
            assert change[0][head.index(NL[f"a_{actor}"])] == eur
    else:
        assert not change
    i = next(k for k, r in enumerate(rows) if r[0] == "Eigendom")
    assert rows[i][1:7] == (
        "Woningen van het gas af", "Investering eigenaar [EUR/woning, incl. btw, vóór subsidie]",
        "Subsidie ISDE [EUR/woning]", "Verandering woonlasten, mediaan [EUR/maand per woning]",
        "Woonlasten gelijk (± € 5/maand) [%]", "Woonlastenneutraal (stijging ≤ € 5/maand) [%]",
    )  # fmt: skip
    by_word = {r[0]: r for r in rows[i + 1 :] if r[0]}
    per = wp["per_owner_type"]
    assert len(per) >= 2 and len(by_word) == len(per)
    for otype, fig in per.items():
        r = by_word[NL[f"ot_{otype}"]]
        assert list(r[1:7]) == [fig[c] for c in OWNER_TYPE_COLUMNS]
        assert not str(r[3]).startswith("-")  # no "-0" subsidy


def _owner_invest(ds: xr.Dataset, block: str) -> tuple[np.ndarray, float]:
    """By hand: the owner's spending per year without ISDE, and the ISDE it receives."""
    inv = ds["actor_invest_eur"].sel(block=block)
    owner = ds["invest_role"].values == "owner"
    isde = np.isin(ds["invest_item"].values, ("isde_heat_pump", "isde_insulation"))
    spent = inv.isel(invest_flow=owner & ~isde).sum("invest_flow").values
    return spent, -float(inv.isel(invest_flow=owner & isde).sum())


def test_owner_sheet_shows_investment_subsidy_and_housing(small_plan_dir: Path, small_ds: xr.Dataset):
    ds = small_ds
    h = housing_frame(ds).set_index("block_id")
    subsidised = [str(b) for b in h.index if _owner_invest(ds, str(b))[1] > 0]
    assert subsidised, "no block with ISDE in the small plan"
    for block in (str(h.index[0]), subsidised[0]):
        row = _owner_row(small_plan_dir / "schedule.xlsx", block)
        spent, isde = _owner_invest(ds, block)
        assert row[
            "Investering eigenaar [EUR, incl. btw en aansluitbijdrage, vóór subsidie]"
        ] == pytest.approx(spent.sum())
        assert spent.sum() > 0
        assert row["Subsidie ISDE [EUR, ontvangen]"] == pytest.approx(isde)
        for y, eur in zip(ds["year"].values, spent, strict=True):
            cell = row[f"Investering eigenaar {int(y)} [EUR]"]
            assert (cell is None and eur == 0) or cell == pytest.approx(eur), (block, y)
        assert row["Woonlasten vergeleken in [jaar]"] == h.at[block, "year"]
        change = row["Woonlasten huurder/bewoner: verandering [EUR/maand per woning]"]
        assert change == h.at[block, "change_eur_per_month"]
        flag = row["Woonlastenneutraal (stijging ≤ € 5/maand)"]
        assert flag == ("ja" if h.at[block, "woonlastenneutraal"] else "nee")
        assert flag == ("ja" if change <= 5.0 else "nee")
    gone = [str(b) for b in ds["block"].values if str(b) not in h.index]
    if gone:  # a block that does not go off gas: no housing costs, no flag
        row = _owner_row(small_plan_dir / "schedule.xlsx", gone[0])
        assert row["Woonlastenneutraal (stijging ≤ € 5/maand)"] is None


def _level_some(ds: xr.Dataset) -> xr.Dataset:
    """A copy: some blocks' housing costs rise by 2, some fall by 10; two corporation blocks exempt."""
    ds = ds.copy(deep=True)
    has = ~np.isnan(ds["housing_year"].values)
    idx = np.flatnonzero(has)
    bef = ds["housing_before_eur_per_month"].values
    aft = ds["housing_after_eur_per_month"].values
    aft = aft.copy()
    aft[idx[::3]] = bef[idx[::3]] + 2.0
    aft[idx[1::5]] = bef[idx[1::5]] - 10.0
    ds["housing_after_eur_per_month"] = ("block", aft)
    corp = np.flatnonzero(has & (ds["owner_type"].values == "corporation"))
    exempt = np.asarray(ds["housing_exempt"].values, bool).copy()
    exempt[corp[:2]] = True
    ds["housing_exempt"] = ("block", exempt)
    ds.attrs["housing_rule"] = 1
    return ds


def test_owner_sheet_flag_ja_for_a_block_held_level(
    small_plan_dir: Path, small_ds: xr.Dataset, tmp_path: Path
):
    ds = _level_some(small_ds)
    h = housing_frame(ds).set_index("block_id")
    block = str(h.index[0])  # +2 EUR a month
    assert h.at[block, "change_eur_per_month"] == pytest.approx(2.0)
    path = write_excel(_plan(small_plan_dir, ds), tmp_path / "w.xlsx")
    row = _owner_row(path, block)
    assert row["Woonlastenneutraal (stijging ≤ € 5/maand)"] == "ja"
    assert row["Woonlasten huurder/bewoner: verandering [EUR/maand per woning]"] == pytest.approx(2.0)


def _pct(share: float) -> str:
    return f"{round(100 * share)} %"


def test_html_section_heading_and_housing_sentence(small_plan_dir: Path, small_ds: xr.Dataset):
    page = (small_plan_dir / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="wie-betaalt">Wie betaalt wat</h2>' in page
    assert '<a href="#wie-betaalt">Wie betaalt wat</a>' in page
    assert page.index('id="nationaal"') < page.index('id="wie-betaalt"') < page.index('id="kaart"')
    svg = re.search(r'<svg id="chart-actors".*?</svg>', page, flags=re.S)
    assert svg and svg.group(0).count('class="line"') >= len(actor_totals(small_ds).columns)
    h = housing_frame(small_ds)
    n = h["dwellings"].sum()
    within = (h["dwellings"] * (h["change_eur_per_month"].abs() <= 5)).sum() / n
    neutral = (h["dwellings"] * h["woonlastenneutraal"]).sum() / n
    dwellings = f"{n:,}".replace(",", ".")
    assert (
        f"Van de {dwellings} woningen die van het gas af gaan, blijven bij {_pct(within)} de maandelijkse "
        f"woonlasten gelijk (binnen ± € 5); {_pct(neutral)} is woonlastenneutraal"
    ) in page
    assert "corporatieblokken" not in page  # the rule is off in the default scenario


def test_html_sentence_counts_shares_and_exempt_corporation_blocks(
    small_plan_dir: Path, small_ds: xr.Dataset
):
    ds = _level_some(small_ds)
    h = housing_frame(ds)
    n = h["dwellings"].sum()
    within = float((h["dwellings"] * (h["change_eur_per_month"].abs() <= 5)).sum() / n)
    neutral = float((h["dwellings"] * (h["change_eur_per_month"] <= 5)).sum() / n)
    assert 0 < within < neutral < 1
    page = render_html(_plan(small_plan_dir, ds))
    text = re.search(r"<p class='housing-text'>(.*?)</p>", page, flags=re.S)
    assert text is not None
    assert f"blijven bij {_pct(within)} de maandelijkse woonlasten gelijk" in text.group(1)
    assert f"; {_pct(neutral)} is woonlastenneutraal" in text.group(1)
    corp = int((h["owner_type"] == "corporation").sum())
    assert f"bij 2 van de {corp} corporatieblokken lukt dat niet." in text.group(1)
    en = render_html(_plan(small_plan_dir, ds), lang="en")
    assert '<h2 id="wie-betaalt">Who pays what</h2>' in en
    assert f"{_pct(within)} keep their monthly housing costs level" in en
    assert f"2 of the {corp} corporation blocks cannot be held level" in en


def test_plan_without_actor_variables_has_no_sheet_or_section(
    small_plan_dir: Path, small_ds: xr.Dataset, tmp_path: Path
):
    old = small_ds.drop_vars([v for v in ACTOR_VARS if v != "owner_type"])
    assert not has_actors(old)
    plan = _plan(small_plan_dir, old)
    path = write_excel(plan, tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        assert "Per partij" not in wb.sheetnames
        header = next(wb.worksheets[1].iter_rows(values_only=True))
    finally:
        wb.close()
    assert list(header[len(OWNER_COLUMNS) :]) == [int(y) for y in old["year"].values]
    page = render_html(plan)
    assert "wie-betaalt" not in page and "Wie betaalt wat" not in page


def test_owner_called_like_the_actor_sheet_gets_another_name(
    small_plan_dir: Path, small_ds: xr.Dataset, tmp_path: Path
):
    ds = small_ds.copy(deep=True)
    owners = ds["owner"].values.astype(object)
    owners[owners == owners[0]] = "Per partij"
    ds["owner"] = ("block", owners)
    path = write_excel(_plan(small_plan_dir, ds), tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        names = wb.sheetnames
        assert "Per partij" in names and "Per partij (2)" in names
        assert next(wb["Per partij (2)"].iter_rows(values_only=True))[0] == "Blok"
        assert next(wb["Per partij"].iter_rows(values_only=True))[0].startswith("Wie betaalt wat")
    finally:
        wb.close()


def test_plan_without_the_reference_npv_still_renders(
    small_plan_dir: Path, small_ds: xr.Dataset, tmp_path: Path
):
    ds = small_ds.drop_vars("actor_flow_reference_npv_eur", errors="ignore")
    plan = _plan(small_plan_dir, ds)
    rows = _sheet(write_excel(plan, tmp_path / "w.xlsx"), "Per partij")
    assert any(str(r[0]).startswith("Contante waarde") for r in rows)
    assert not any(str(r[0]).startswith("Verschil met niets doen") for r in rows)
    page = render_html(plan)
    assert '<h2 id="wie-betaalt">Wie betaalt wat</h2>' in page and "Verschil met niets doen" not in page
