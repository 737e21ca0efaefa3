"""report.html: self-contained (no http(s) reference), with its charts, map, tables and rounds."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

from heatplan.report.html import render_html
from heatplan.report.plan_data import Plan
from tests.report.plan_factory import SOLVER, YEARS, make_plan_dataset

CHART_IDS = ("chart-measures", "chart-gas-free", "chart-cost", "chart-supply", "chart-loss", "chart-source")
_VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr", "source", "track"}
_SVG_SELF = {"rect", "line", "circle", "polyline", "polygon", "path"}


class _Tags(HTMLParser):
    """Checks that every element is closed in order; collects ids and classes."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.classes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        for c in (a.get("class") or "").split():
            self.classes.append((tag, c))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def _parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    p.close()
    return p


def _svg(page: str, svg_id: str) -> str:
    m = re.search(rf'<svg id="{svg_id}".*?</svg>', page, flags=re.S)
    assert m, svg_id
    return m.group(0)


def test_self_contained(plan_dir):
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|iframe|img|object|embed)\b", page)
    assert "@import" not in page and "url(" not in page


def test_well_formed_with_charts_and_map(plan_dir):
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    p = _parse(page)
    assert p.errors == [] and p.stack == []
    assert len(p.ids) == len(set(p.ids))
    for cid in (*CHART_IDS, "map"):
        assert cid in p.ids
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page


def test_chart_contents(plan_dir):
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    ds, _ = make_plan_dataset()
    # grouped bars: 3 measures x 7 years, one bar each, tooltips with the value
    bars = _svg(page, "chart-measures")
    assert bars.count('class="bar"') == 3 * len(YEARS)
    assert "Overgestapte woningen 2028: 112<" in bars
    # gas-free share: one line of 7 points, the deadline and the 100 % line
    share = _svg(page, "chart-gas-free")
    pts = re.search(r'class="line" points="([^"]+)"', share).group(1).split()
    assert len(pts) == len(YEARS)
    ys = [float(p.split(",")[1]) for p in pts]
    assert ys == sorted(ys, reverse=True)  # rising share = falling pixel row
    assert "Streefjaar aardgasvrij 2031" in share and "100 %" in share
    assert "Aardgasvrij [%] 2032: 100,0<" in share
    # stacked costs: one bar per non-zero item group (investments, O&M, energy, ...) and year
    from heatplan.report.national import by_group
    from heatplan.report.plan_data import cost_by_year

    cost = _svg(page, "chart-cost")
    groups = by_group(cost_by_year(ds))
    assert "overig" not in cost and len(groups.columns) < ds.sizes["item"]
    assert cost.count('class="bar"') == int((groups.to_numpy() != 0).sum())
    # network: LT has no values before 2028, so its design line starts there (5 points), MT has 7
    supply = _svg(page, "chart-supply")
    lines = re.findall(r'class="line" points="([^"]+)"', supply)
    assert sorted(len(x.split()) for x in lines) == [5, 5, 7, 7]
    assert "MT ontwerp 2026: 68,5<" in supply and "LT lage last 2032: 46,7<" in supply
    src = _svg(page, "chart-source")
    assert "Leyweg geothermie belasting" in src and "WKO Moerwijk capaciteit" in src


def test_map(plan_dir):
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    m = _svg(page, "map")
    ds, _ = make_plan_dataset()
    assert m.count('class="block"') == ds.sizes["block"]
    built = int(np.isfinite(ds["pipe_build_year"].values).sum())
    assert m.count('class="pipe"') == built
    assert m.count('class="source"') == 2 and "WKO Moerwijk" in m
    # B00 switches in 2027; its colour is the 2027 swatch of the legend
    b00 = re.search(r'fill="(#[0-9a-f]{6})" fill-opacity="0.9"><title>B00 ', m).group(1)
    assert f'background:{b00}"></span>2027' in page
    b03 = re.search(r'fill="(#[0-9a-f]{6})" fill-opacity="0.9"><title>B03 ', m).group(1)
    assert b03 == "#bdbdbd"  # demolished, never switches


def test_tables_and_rounds(plan_dir):
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    # per wijk: WK051833 has 3 blocks, 144 dwellings, all gas-free by 2031, mean switch year
    mean = (48 * 2027 + 32 * 2028 + 64 * 2029) / 144
    row = re.search(r"<tr><td>WK051833</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[:5] == ["3", "144", "0", "144", "100 %"]
    assert cells[5] == f"{mean:.1f}".replace(".", ",")
    row = re.search(r"<tr><td>WK051836</td>(.*?)</tr>", page).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[:5] == ["5", "76", "80", "32", "42 %"]
    assert "<td>2031</td><td>nee</td>" in page  # years are not written as 2.031
    assert "Staedion" in page and "HaagWonen" in page
    assert "2 blocks below required supply temperature" in page and "all years pass" in page
    assert "B06" in page and "63.1 °C &lt; 65.0 °C" in page


def test_urls_in_text_are_neutralised():
    ds, _ = make_plan_dataset()
    ds.attrs["stock_source"] = "https://example.org/stock.csv"
    ds.attrs["scenario_toml"] += "\n# data: http://example.org/x\n"
    page = render_html(Plan(ds=ds, summary={}, deadline=2031, scenario_name="base"))
    assert "http://" not in page and "https://" not in page
    assert "https:&#47;&#47;example.org/stock.csv" in page


def test_english(plan_dir_en):
    page = (plan_dir_en / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Key figures" in page and "Kerncijfers" not in page
    assert "Dwellings switched 2028: 112<" in page


def test_without_network_variables():
    ds, _ = make_plan_dataset()
    drop = [
        v
        for v in ds.data_vars
        if v.startswith(("pipe_", "source_", "min_supply", "heat_loss", "low_load", "round_"))
    ]
    ds = ds.drop_vars(drop).drop_dims(["pipe", "round"])
    page = render_html(Plan(ds=ds, summary={}, deadline=None, scenario_name="x"))
    assert _parse(page).errors == []
    assert "geen gegevens" in page  # the network charts say there is no data
    assert _svg(page, "map").count('class="block"') == ds.sizes["block"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_text_key_translated(lang):
    from heatplan.report import text

    assert set(text._NL) == set(text._EN)
    assert text.Text(lang).num(1234.5, 1) == ("1.234,5" if lang == "nl" else "1,234.5")


def test_key_figures_say_whether_the_schedule_is_proven(plan_dir):
    page = (plan_dir / "report.html").read_text(encoding="utf-8")
    assert '<div class="v bad">nee</div><div class="k">Schema bewezen optimaal' in page
    assert "niet bewezen optimaal: gap 113 % (gevraagd 1,00 %), een tijdslimiet stopte de oplosser." in page
    ds, _ = make_plan_dataset()
    proven = {**SOLVER, "certified": True, "gap": 0.0014, "reason": "within 0.14% of the best bound"}
    page = render_html(Plan(ds=ds, summary={"solver": proven}, deadline=2031, scenario_name="base"), "en")
    assert '<div class="v ok">yes</div><div class="k">Schedule proven optimal' in page
    assert "not proven" not in page
