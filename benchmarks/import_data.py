"""Generated input files for ``bench_import.py``: EP-Online v4, BAG (CSV or GeoPackage), CBS buurten.

Everything is built column-wise with NumPy (``np.strings``) and written in chunks, so 5 million
label rows or 10 million BAG points take minutes, not hours. The BAG GeoPackage is laid out by
GDAL (pyogrio writes the empty layer with its spatial index and triggers) and then filled with
SQLite directly, with the R-tree index rows inserted in spatial order: writing 10 million
features through GDAL one by one would take about six minutes on its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np

V4_HEADER = (
    "Opnamedatum;Registratiedatum;Status;Berekeningstype;Energieindex;Energieklasse;"
    "EnergielabelIsPrive;IsOpBasisVanReferentieGebouw;Gebouwklasse;GeldigTot;SoortOpname;"
    "Postcode;Huisnummer;Huisletter;Huisnummertoevoeging;Detailaanduiding;BAGVerblijfsobjectID;"
    "BAGLigplaatsID;BAGStandplaatsID;BAGPandIDs;Gebouwtype;Gebouwsubtype;Projectnaam;"
    "Projectobject;SBIcode;Bouwjaar;GebruiksoppervlakteThermischeZone;Energiebehoefte;"
    "EisEnergiebehoefte;PrimaireFossieleEnergie;EisPrimaireFossieleEnergie;"
    "PrimaireFossieleEnergieEMGForfaitair;AandeelHernieuwbareEnergie;"
    "EisAandeelHernieuwbareEnergie;AandeelHernieuwbareEnergieEMGForfaitair;"
    "Temperatuuroverschrijding;EisTemperatuuroverschrijding;Warmtebehoefte;"
    "EnergieindexMetEMGForfaitair;Certificaathouder;Gebouwhoogte;Opmerking"
)
V4_META = "PublicatieDatum;2026-11-01\nLaatstVerwerkteMutatievolgnummer;987654\n"
LABELS = np.array(["A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"])
TYPES = np.array(
    [
        "Appartement;Tussenvloer tussengevel",
        "Rijwoning tussen;",
        "Rijwoning hoek;",
        "Twee-onder-een-kap;",
        "Vrijstaande woning;",
        "Maisonnette;",
    ]
)
BAG_COLUMNS = (
    "identificatie",
    "oppervlakte",
    "status",
    "gebruiksdoel",
    "openbare_ruimte_naam",
    "huisnummer",
    "postcode",
    "woonplaats_naam",
    "bouwjaar",
    "pand_identificatie",
    "pandstatus",
)
S = np.dtypes.StringDType()
#: The Netherlands in RD New (EPSG:28992), metres.
NL_EXTENT = (13000.0, 306000.0, 278000.0, 620000.0)
CHUNK = 500_000


def _s(values: np.ndarray) -> np.ndarray:
    return np.asarray(values).astype(S)


def _join(*parts: object) -> np.ndarray:
    """Concatenate string arrays and constants element-wise."""
    out = _s(parts[0]) if isinstance(parts[0], np.ndarray) else np.asarray(str(parts[0]), dtype=S)
    for p in parts[1:]:
        out = np.strings.add(out, _s(p) if isinstance(p, np.ndarray) else str(p))
    return out


def _ids(prefix: str, serial: np.ndarray) -> np.ndarray:
    """16-digit BAG ids: a 6-digit prefix (municipality + object type) + a 10-digit serial."""
    return np.strings.add(prefix, np.strings.zfill(_s(serial), 10))


def _write_lines(path: Path, header: str, chunks: Iterator[np.ndarray], prefix: str = "") -> None:
    with path.open("w", encoding="utf-8-sig", newline="\n") as fh:
        fh.write(prefix + header + "\n")
        for lines in chunks:
            fh.write("\n".join(lines.tolist()))
            fh.write("\n")


class Dwellings:
    """BAG verblijfsobjecten: ids, pand ids, points and attributes, column-wise."""

    def __init__(
        self, x: np.ndarray, y: np.ndarray, pand: np.ndarray, gm: str, rng: np.random.Generator
    ) -> None:
        n = len(x)
        self.n, self.x, self.y = n, x, y
        self.vbo = _ids(gm + "01", np.arange(1, n + 1))
        self.pand = _ids(gm + "10", pand + 1)
        v = rng.random(n)
        self.use = np.where(
            v < 0.06, "kantoorfunctie", np.where(v < 0.08, "woonfunctie,winkelfunctie", "woonfunctie")
        )
        self.pand_status = np.where(
            (v > 0.08) & (v < 0.10),
            "Pand gesloopt",
            np.where((v > 0.10) & (v < 0.11), "Bouw gestart", "Pand in gebruik"),
        )
        self.year = rng.integers(1950, 2020, n)
        self.area = rng.integers(40, 140, n)
        self.number = rng.integers(1, 300, n)
        letters = np.array(list("ABCDEFGHJKLMNPRSTVWXZ"))
        pc4 = 1000 + (np.clip(y, *NL_EXTENT[1::2]) - NL_EXTENT[1]) / 40 % 8999
        self.postcode = _join(pc4.astype(int), letters[pand % 21], letters[(pand // 21) % 21])

    def csv_chunks(self, wkt: bool) -> Iterator[np.ndarray]:
        """Lines of a BAG CSV with a CBS buurt code column: points as ``x``/``y`` columns, or as a
        WKT ``geom`` column first (as ``ogr2ogr -lco GEOMETRY=AS_WKT`` puts it)."""
        buurt = np.array(["BU05183387", "BU05183388"])
        for a in range(0, self.n, CHUNK):
            s = slice(a, a + CHUNK)
            xy = np.round(self.x[s], 1), np.round(self.y[s], 1)
            row = _join(
                self.vbo[s],
                ",",
                self.area[s],
                ',Verblijfsobject in gebruik,"',
                self.use[s],
                '",Dreef,',
                self.number[s],
                ",",
                self.postcode[s],
                ",'s-Gravenhage,",
                self.year[s],
                ",",
                self.pand[s],
                ",",
                self.pand_status[s],
                ",",
                buurt[np.arange(a, a + len(xy[0])) % 2],
            )
            if wkt:
                yield _join('"POINT (', xy[0], " ", xy[1], ')",', row)
            else:
                yield _join(row, ",", xy[0], ",", xy[1])

    def write_csv(self, path: Path, wkt: bool) -> None:
        header = ",".join(BAG_COLUMNS) + ",buurtcode"
        _write_lines(path, "geom," + header if wkt else header + ",x,y", self.csv_chunks(wkt))

    def write_gpkg(self, path: Path) -> None:
        """The PDOK bag-light layout: layer ``verblijfsobject``, points in EPSG:28992."""
        write_points_gpkg(
            path,
            "verblijfsobject",
            self.x,
            self.y,
            {
                "identificatie": self.vbo,
                "oppervlakte": self.area,
                "status": np.full(self.n, "Verblijfsobject in gebruik"),
                "gebruiksdoel": self.use,
                "openbare_ruimte_naam": np.full(self.n, "Dreef"),
                "huisnummer": self.number,
                "postcode": self.postcode,
                "woonplaats_naam": np.full(self.n, "'s-Gravenhage"),
                "bouwjaar": self.year,
                "pand_identificatie": self.pand,
                "pandstatus": self.pand_status,
            },
        )


def write_ep_v4(path: Path, d: Dwellings, rows: int, rng: np.random.Generator) -> None:
    """EP-Online v4 labels for ``rows`` rows on random dwellings of ``d`` (3/4 distinct, 1/4 repeats).

    5 % non-residential (``Gebouwklasse`` U), 2 % permit stage, decimal comma, 42 columns.
    """
    first = min(int(rows * 0.75), d.n)
    pick = np.concatenate([rng.permutation(d.n)[:first], rng.integers(0, d.n, rows - first)])
    rng.shuffle(pick)

    def chunks() -> Iterator[np.ndarray]:
        for a in range(0, rows, CHUNK):
            p = pick[a : a + CHUNK]
            m = len(p)
            u = rng.random(m)
            klass = np.where(u < 0.05, "U", "W")
            status = np.where((u > 0.05) & (u < 0.07), "Vergunningsaanvraag", "Bestaand")
            day = rng.integers(0, 4000, m)
            date = _join(
                2013 + day // 365,
                "-",
                np.strings.zfill(_s(1 + (day % 365) // 31), 2),
                "-",
                np.strings.zfill(_s(1 + day % 28), 2),
            )
            area = np.strings.replace(_s(np.round(rng.uniform(40, 140, m), 1)), ".", ",")
            yield _join(
                date,
                ";",
                date,
                ";",
                status,
                ";NTA 8800;1,23;",
                LABELS[rng.integers(0, 10, m)],
                ";Nee;Nee;",
                klass,
                ";2035-01-01;Basis;",
                d.postcode[p],
                ";",
                d.number[p],
                ";;;;",
                d.vbo[p],
                ";;;",
                d.pand[p],
                ";",
                TYPES[rng.integers(0, len(TYPES), m)],
                ";;;;1965;",
                area,
                ";101,5;;180,2;;;12,5;;;1,2;;95,1;1,30;Cert BV;12,0;",
            )

    _write_lines(path, V4_HEADER, chunks(), V4_META)


def city(rows: int, seed: int = 1) -> tuple[Dwellings, np.random.Generator]:
    """One city of ``0.95 * rows`` verblijfsobjecten in a 5 km square (the 1,000,000-row case)."""
    rng = np.random.default_rng(seed)
    n = int(rows * 0.95)
    pand = np.cumsum(rng.random(n) < 0.08)  # ~12 dwellings per pand
    x, y = 78000 + rng.uniform(0, 5000, n), 450000 + rng.uniform(0, 5000, n)
    return Dwellings(x, y, pand, "0518", rng), rng


def write_points_gpkg(
    path: Path, layer: str, x: np.ndarray, y: np.ndarray, columns: dict[str, np.ndarray]
) -> None:
    """A GeoPackage point layer (EPSG:28992) with a spatial index, filled through SQLite."""
    import geopandas as gpd
    import pyogrio
    import shapely

    path.unlink(missing_ok=True)
    proto = {k: v[:1].tolist() for k, v in columns.items()}
    frame = gpd.GeoDataFrame(proto, geometry=shapely.points(x[:1], y[:1]), crs="EPSG:28992")
    pyogrio.write_dataframe(frame.iloc[:0], path, layer=layer, geometry_type="Point")
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA journal_mode = OFF")
    rtree = f"rtree_{layer}_geom"
    saved = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND name LIKE '%insert%'",
        (layer,),
    ).fetchall()
    for name, _ in saved:
        con.execute(f'DROP TRIGGER "{name}"')
    header = np.frombuffer(
        b"GP\x00\x01" + np.int32(28992).tobytes() + b"\x01\x01\x00\x00\x00", dtype=np.uint8
    )
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * (len(columns) + 2))
    n = len(x)
    for a in range(0, n, CHUNK):
        s = slice(a, a + CHUNK)
        m = len(x[s])
        blob = np.empty((m, 29), dtype=np.uint8)
        blob[:, :13] = header
        blob[:, 13:21] = x[s].astype("<f8").view(np.uint8).reshape(m, 8)
        blob[:, 21:29] = y[s].astype("<f8").view(np.uint8).reshape(m, 8)
        geoms = [bytes(b) for b in blob]
        cols = [v[s].tolist() for v in columns.values()]
        con.executemany(
            f'INSERT INTO "{layer}" (fid, geom, {names}) VALUES ({marks})',
            zip(range(a + 1, a + m + 1), geoms, *cols, strict=True),
        )
    order = np.lexsort((y, np.floor(x / 2000)))  # spatial order: inserts into the R-tree stay local
    for a in range(0, n, CHUNK):
        o = order[a : a + CHUNK]
        con.executemany(
            f'INSERT INTO "{rtree}" VALUES (?, ?, ?, ?, ?)',
            zip((o + 1).tolist(), x[o].tolist(), x[o].tolist(), y[o].tolist(), y[o].tolist(), strict=True),
        )
    con.execute("UPDATE gpkg_ogr_contents SET feature_count = ? WHERE table_name = ?", (n, layer))
    con.execute(
        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
        (float(x.min()), float(y.min()), float(x.max()), float(y.max()), layer),
    )
    for _, sql in saved:
        con.execute(sql)
    con.commit()
    con.close()


# ---------------------------------------------------------------------------------------------
# The national pair: CBS buurten of the whole country, 10 million BAG points, one municipality.


def national_buurten(
    rng: np.random.Generator,
    n_buurten: int = 14000,
    n_gemeenten: int = 340,
    centre: tuple[float, float] = (80000.0, 454000.0),
) -> object:
    """CBS-like buurten: Voronoi cells grouped into municipalities; GM0518 around ``centre``.

    Returns a GeoDataFrame with ``buurtcode``, ``buurtnaam``, ``wijkcode``, ``gemeentecode``,
    ``gemeentenaam``, ``water`` and polygon geometry (boundaries with a vertex every 50 m).
    """
    import geopandas as gpd
    import shapely

    x0, y0, x1, y1 = NL_EXTENT
    box = shapely.box(x0, y0, x1, y1)
    seeds = np.column_stack([rng.uniform(x0, x1, n_buurten), rng.uniform(y0, y1, n_buurten)])
    dense = np.column_stack([rng.normal(centre[0], 3500, 90), rng.normal(centre[1], 3500, 90)])
    seeds = np.vstack([seeds, dense])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=box))
    cells = shapely.intersection(cells, box)
    # each cell keeps the seed inside it; each seed goes to the nearest municipality seed
    tree = shapely.STRtree(cells)
    pts = shapely.points(seeds)
    hit_pt, hit_cell = tree.query(pts, predicate="within")
    cell_of = np.full(len(seeds), -1)
    cell_of[hit_pt] = hit_cell
    gem_seeds = np.column_stack([rng.uniform(x0, x1, n_gemeenten), rng.uniform(y0, y1, n_gemeenten)])
    gem_seeds[0] = centre
    d2 = ((seeds[:, None, :] - gem_seeds[None, :, :]) ** 2).sum(axis=2)
    gem = d2.argmin(axis=1)
    codes = np.array([518, *[c for c in range(1, 2000) if c != 518][: n_gemeenten - 1]])
    order = np.lexsort((seeds[:, 1], seeds[:, 0], gem))
    rank = np.empty(len(seeds), dtype=int)
    for g in np.unique(gem):
        members = order[gem[order] == g]
        rank[members] = np.arange(len(members))
    gm = np.char.zfill(codes[gem].astype(str), 4)
    wijk = np.char.add(np.char.add("WK", gm), np.char.zfill((rank // 4).astype(str), 2))
    buurt = np.char.add(
        np.char.add("BU", np.char.add(gm, np.char.zfill((rank // 4).astype(str), 2))),
        np.char.zfill((rank % 4).astype(str), 2),
    )
    geom = shapely.segmentize(cells[cell_of], 50.0)
    return gpd.GeoDataFrame(
        {
            "buurtcode": buurt,
            "buurtnaam": np.char.add("Buurt ", buurt),
            "wijkcode": wijk,
            "gemeentecode": np.char.add("GM", gm),
            "gemeentenaam": np.char.add("Gemeente ", gm),
            "water": "NEE",
        },
        geometry=geom,
        crs="EPSG:28992",
    )


def national_points(
    rng: np.random.Generator, buurten: object, n_points: int, gemeente_rows: int, gemeente: str = "GM0518"
) -> Dwellings:
    """``n_points`` verblijfsobjecten in panden of ~8: ``gemeente_rows`` of them spread over the
    bounding box of ``gemeente`` (2 km around it included, so neighbours sit inside the box), as
    many per km2 there as inside the municipality; the rest over the whole country."""
    import shapely

    g = buurten[buurten["gemeentecode"] == gemeente]
    outline = shapely.union_all(g.geometry.to_numpy())
    gx0, gy0, gx1, gy1 = np.asarray(outline.bounds) + np.array([-2000, -2000, 2000, 2000])
    share = outline.area / ((gx1 - gx0) * (gy1 - gy0))
    n_box = min(int(gemeente_rows / share), n_points // 2)
    xs, ys, pands = [], [], []
    for n, (a, b, c, d) in ((n_box, (gx0, gy0, gx1, gy1)), (n_points - n_box, NL_EXTENT)):
        n_pand = max(n // 8, 1)
        cx, cy = rng.uniform(a, c, n_pand), rng.uniform(b, d, n_pand)
        per = np.sort(rng.integers(0, n_pand, n))
        xs.append(cx[per] + rng.uniform(-15, 15, n))
        ys.append(cy[per] + rng.uniform(-15, 15, n))
        pands.append(per + (n_box if pands else 0))
    return Dwellings(np.concatenate(xs), np.concatenate(ys), np.concatenate(pands), "0518", rng)


def city_pair(folder: Path, rows: int, wkt: bool, seed: int = 1) -> dict[str, Path]:
    """Write ``ep_v4.csv`` (``rows`` labels) and ``bag.csv`` (``0.95 * rows`` points, x/y or WKT)."""
    files = {"ep": folder / "ep_v4.csv", "bag": folder / "bag.csv"}
    if (folder / "complete").exists():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    d, rng = city(rows, seed)
    write_ep_v4(files["ep"], d, rows, rng)
    d.write_csv(files["bag"], wkt)
    (folder / "complete").write_text(f"rows={rows} wkt={wkt}\n")
    return files


def national(folder: Path, ep_rows: int, points: int, gemeente_rows: int, seed: int = 7) -> dict[str, Path]:
    """Write ``buurten.gpkg``, ``bag.gpkg`` and ``ep_v4.csv`` into ``folder`` (kept when complete).

    A file ``complete`` is written last; a folder that has it is reused as it is.
    """
    import pyogrio

    files = {"buurten": folder / "buurten.gpkg", "bag": folder / "bag.gpkg", "ep": folder / "ep_v4.csv"}
    if (folder / "complete").exists():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    buurten = national_buurten(rng)
    files["buurten"].unlink(missing_ok=True)
    pyogrio.write_dataframe(buurten, files["buurten"], layer="buurten")
    d = national_points(rng, buurten, points, gemeente_rows)
    d.write_gpkg(files["bag"])
    write_ep_v4(files["ep"], d, ep_rows, rng)
    (folder / "complete").write_text(f"ep_rows={ep_rows} points={points} gemeente_rows={gemeente_rows}\n")
    return files
