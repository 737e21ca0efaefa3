"""Small inline-SVG charts (bars, stacked bars, lines) for the self-contained HTML report.

No JavaScript, no external resources and no ``xmlns`` URL: inline SVG in HTML5 needs none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4")
W, H = 720, 340
_L, _R, _B = 70, 20, 44  # margins: left, right, bottom (the top one holds the legend)
_ROW = 18  # legend row height


@dataclass
class Series:
    """One named series of a chart (one value per x category; NaN for none)."""

    label: str
    values: Sequence[float]
    colour: str
    dashed: bool = False


@dataclass
class Chart:
    """A chart over categories (years): bars, stacked bars or lines, with optional marker lines."""

    chart_id: str
    title: str
    x: Sequence[int] | Sequence[str]
    series: list[Series]
    kind: str = "bar"  # "bar" (grouped), "stack", "line" or "groupstack"
    y_label: str = ""
    y_fmt: Callable[[float], str] = field(default=lambda v: f"{v:,.0f}")
    tip_fmt: Callable[[float], str] | None = None  # values in tooltips (default: y_fmt)
    y_min: float | None = None
    y_max: float | None = None
    vlines: list[tuple[float, str]] = field(default_factory=list)  # (x value, label)
    hlines: list[tuple[float, str]] = field(default_factory=list)  # (y value, label)
    #: "groupstack": per category, the labels of its stacked bars; a series then has one value per
    #: bar, category after category (``values[i * len(sub[0]) + j]``)
    sub: Sequence[Sequence[str]] = ()


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (about ``n`` of them)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) if lo else 1.0)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _finite(vals: Sequence[float]) -> list[float]:
    return [float(v) for v in vals if v is not None and math.isfinite(float(v))]


def _y_range(c: Chart) -> tuple[float, float]:
    if c.kind in ("stack", "groupstack"):
        n = len(c.series[0].values) if c.series else 0
        pos = [sum(max(_f(s.values[i]), 0.0) for s in c.series) for i in range(n)]
        if c.kind == "groupstack" and c.y_max is not None:
            pos = [min(p, c.y_max) for p in pos]
        neg = [sum(min(_f(s.values[i]), 0.0) for s in c.series) for i in range(n)]
        vals = pos + neg
    else:
        vals = [v for s in c.series for v in _finite(s.values)]
    vals += [y for y, _ in c.hlines]
    lo = min([0.0, *vals]) if c.kind != "line" else min(vals, default=0.0)
    hi = max(vals, default=1.0)
    if c.kind == "line" and lo != hi:
        pad = 0.08 * (hi - lo)
        lo, hi = lo - pad, hi + pad
    lo = c.y_min if c.y_min is not None else lo
    hi = c.y_max if c.y_max is not None else hi
    return lo, hi


def _tip(c: Chart) -> Callable[[float], str]:
    return c.tip_fmt or c.y_fmt


def _f(v: float | None) -> float:
    return float(v) if v is not None and math.isfinite(float(v)) else 0.0


class _Frame:
    """Maps data to pixels for one chart."""

    def __init__(self, c: Chart, top: float) -> None:
        self.top = top
        lo, hi = _y_range(c)
        self.ticks = nice_ticks(lo, hi)
        self.lo, self.hi = min(self.ticks[0], lo), max(self.ticks[-1], hi)
        self.n = max(len(c.x), 1)
        self.band = (W - _L - _R) / self.n

    def y(self, v: float) -> float:
        """Pixel row of value ``v``."""
        return self.top + (H - self.top - _B) * (1 - (v - self.lo) / ((self.hi - self.lo) or 1.0))

    def x(self, i: float) -> float:
        """Pixel column of the centre of category ``i`` (fractions allowed)."""
        return _L + self.band * (i + 0.5)


def el(tag: str, text: str | None = None, **attrs: object) -> str:
    """One SVG/HTML element: ``class_`` -> class, ``stroke_width`` -> stroke-width, floats to 0.1 px.

    ``text`` is escaped; ``None`` makes an empty (self-closed) element.
    """
    parts = [tag]
    for k, v in attrs.items():
        if v is None:
            continue
        name = k.rstrip("_").replace("_", "-")
        val = f"{v:.1f}" if isinstance(v, float) else str(v)
        parts.append(f'{name}="{escape(val)}"')
    head = " ".join(parts)
    return f"<{head}/>" if text is None else f"<{head}>{escape(text)}</{tag}>"


def tipped(tag: str, tip: str, **attrs: object) -> str:
    """An element with a hover tooltip (an SVG ``<title>`` child)."""
    return el(tag, "", **attrs).replace(f"></{tag}>", f"><title>{escape(tip)}</title></{tag}>")


def _axes(c: Chart, f: _Frame) -> list[str]:
    out = ['<g class="axes" font-size="11" fill="#333">']
    for t in f.ticks:
        y = f.y(t)
        out.append(el("line", x1=_L, x2=W - _R, y1=y, y2=y, stroke="#e3e3e3"))
        out.append(el("text", c.y_fmt(t), x=_L - 6, y=y + 4, text_anchor="end"))
    y0 = f.y(max(f.lo, min(0, f.hi)))
    out.append(el("line", x1=_L, x2=W - _R, y1=y0, y2=y0, stroke="#888"))
    every = max(1, math.ceil(len(c.x) / 16))
    for i, xv in enumerate(c.x):
        if c.kind == "groupstack":
            out.append(el("text", str(xv), x=f.x(i), y=H - _B + 30, text_anchor="middle", font_size=10))
            m = len(c.sub[i])
            for j, name in enumerate(c.sub[i]):
                x = f.x(i) - f.band * 0.4 + (j + 0.5) * f.band * 0.8 / m
                out.append(el("text", name, x=x, y=H - _B + 13, text_anchor="middle", font_size=9))
        elif i % every == 0:
            out.append(el("text", str(xv), x=f.x(i), y=H - _B + 16, text_anchor="middle"))
    if c.y_label:
        turn = f"translate(14,{(H + f.top - _B) / 2:.0f}) rotate(-90)"
        out.append(el("text", c.y_label, transform=turn, text_anchor="middle"))
    out.append("</g>")
    return out


def _legend_layout(c: Chart) -> list[tuple[float, float, Series]]:
    """(x, y, series) of each legend entry, wrapping to new rows as needed."""
    out, x, y = [], float(_L), 18.0
    for s in c.series:
        w = 34 + 6.4 * len(s.label)
        if x + w > W - _R and x > _L:
            x, y = float(_L), y + _ROW
        out.append((x, y, s))
        x += w
    return out


def _legend(c: Chart, layout: list[tuple[float, float, Series]]) -> list[str]:
    out = ['<g class="legend" font-size="12" fill="#222">']
    for x, y, s in layout:
        dash = "5,3" if s.dashed else None
        if c.kind == "line":
            out.append(
                el(
                    "line",
                    x1=x,
                    x2=x + 18,
                    y1=y,
                    y2=y,
                    stroke=s.colour,
                    stroke_width=2.5,
                    stroke_dasharray=dash,
                )
            )
        else:
            out.append(el("rect", x=x, y=y - 6, width=14, height=12, fill=s.colour))
        out.append(el("text", s.label, x=x + 22, y=y + 4))
    out.append("</g>")
    return out


def _bar(c: Chart, s: Series, i: int, v: float, x0: float, width: float, ys: tuple[float, float]) -> str:
    y0, y1 = sorted(ys)
    tip = f"{s.label} {c.x[i]}: {_tip(c)(v)}"
    return tipped("rect", tip, class_="bar", x=x0, y=y0, width=width, height=max(y1 - y0, 0.0), fill=s.colour)


def _bars(c: Chart, f: _Frame) -> list[str]:
    out: list[str] = []
    bw = f.band * 0.8 / max(len(c.series), 1)
    for j, s in enumerate(c.series):
        for i, v in enumerate(s.values):
            x0 = f.x(i) - f.band * 0.4 + j * bw
            out.append(_bar(c, s, i, _f(v), x0, bw * 0.92, (f.y(_f(v)), f.y(0))))
    return out


def _stack(c: Chart, f: _Frame) -> list[str]:
    """Positive values stack upwards from zero, negative ones downwards."""
    out: list[str] = []
    bw = f.band * 0.7
    for i in range(len(c.x)):
        ends = {True: 0.0, False: 0.0}
        for s in c.series:
            v = _f(s.values[i])
            if v == 0:
                continue
            base = ends[v > 0]
            ends[v > 0] = base + v
            out.append(_bar(c, s, i, v, f.x(i) - bw / 2, bw, (f.y(base), f.y(base + v))))
    return out


def _group_stack(c: Chart, f: _Frame) -> list[str]:
    """Per category, one stacked bar per sub-label (e.g. per option), side by side."""
    out: list[str] = []
    for i, xv in enumerate(c.x):
        m = len(c.sub[i])
        bw = f.band * 0.8 / m
        for j, name in enumerate(c.sub[i]):
            ends = {True: 0.0, False: 0.0}
            x0 = f.x(i) - f.band * 0.4 + j * bw
            for s in c.series:
                v = _f(s.values[i * m + j])
                if v == 0:
                    continue
                base = ends[v > 0]
                ends[v > 0] = base + v
                y0, y1 = sorted((f.y(min(base, f.hi)), f.y(min(base + v, f.hi))))
                tip = f"{s.label} – {xv} {name}: {_tip(c)(v)}"
                out.append(tipped("rect", tip, class_="bar", x=x0, y=y0, width=bw * 0.9,
                                  height=max(y1 - y0, 0.0), fill=s.colour))  # fmt: skip
            if ends[True] > f.hi:  # off the scale: the bar is cut at the top and its total written there
                out.append(el("text", f"↑ {c.y_fmt(ends[True])}", x=x0 + bw * 0.45, y=f.top - 4,
                              text_anchor="middle", font_size=9, fill="#b42318"))  # fmt: skip
    return out


def _lines(c: Chart, f: _Frame) -> list[str]:
    """One polyline per run of finite values (gaps where a value is missing), dots with tooltips."""
    out: list[str] = []
    for s in c.series:
        segs: list[list[str]] = [[]]
        for i, v in enumerate(s.values):
            if v is None or not math.isfinite(float(v)):
                segs.append([])
                continue
            x, y = f.x(i), f.y(float(v))
            segs[-1].append(f"{x:.1f},{y:.1f}")
            out.append(
                tipped("circle", f"{s.label} {c.x[i]}: {_tip(c)(float(v))}", cx=x, cy=y, r=3, fill=s.colour)
            )
        dash = "6,4" if s.dashed else None
        for pts in filter(None, segs):
            out.append(el("polyline", class_="line", points=" ".join(pts), fill="none", stroke=s.colour,
                          stroke_width=2.5, stroke_dasharray=dash))  # fmt: skip
    return out


def _markers(c: Chart, f: _Frame) -> list[str]:
    """Vertical (e.g. the deadline) and horizontal (e.g. 100 %) reference lines with labels."""
    out: list[str] = []
    red = {"stroke": "#c00", "stroke_dasharray": "4,3"}
    for xv, label in c.vlines if c.x else []:
        xs = [float(v) for v in c.x]
        step = (xs[1] - xs[0]) if len(xs) > 1 else 1
        x = f.x((xv - xs[0]) / step)
        out.append(el("line", class_="marker", x1=x, x2=x, y1=f.top - 4, y2=H - _B, stroke_width=1.5, **red))
        out.append(el("text", label, x=x - 4, y=H - _B - 6, font_size=11, fill="#c00", text_anchor="end"))
    for yv, label in c.hlines:
        y = f.y(yv)
        out.append(el("line", class_="marker", x1=_L, x2=W - _R, y1=y, y2=y, stroke_width=1.2, **red))
        out.append(el("text", label, x=W - _R - 4, y=y - 4, font_size=11, fill="#c00", text_anchor="end"))
    return out


def render(c: Chart) -> str:
    """The chart as one ``<svg>`` element."""
    layout = _legend_layout(c)
    top = (max(y for _, y, _ in layout) if layout else 18.0) + 20
    f = _Frame(c, top)
    body = {"bar": _bars, "stack": _stack, "line": _lines, "groupstack": _group_stack}[c.kind](c, f)
    head = el(
        "svg", "", id=c.chart_id, class_="chart", viewBox=f"0 0 {W} {H}", role="img", aria_label=c.title
    )
    parts = [
        head.removesuffix("</svg>"),
        el("title", c.title),
        *_axes(c, f),
        *body,
        *_markers(c, f),
        *_legend(c, layout),
        "</svg>",
    ]
    return "\n".join(parts)


def empty(chart_id: str, title: str, message: str) -> str:
    """A placeholder chart saying there is nothing to show."""
    msg = el("text", message, x=W / 2, y=45, text_anchor="middle", fill="#777", font_size=14)
    head = el(
        "svg", "", id=chart_id, class_="chart empty", viewBox=f"0 0 {W} 80", role="img", aria_label=title
    )
    return head.replace("></svg>", f">{msg}</svg>")
