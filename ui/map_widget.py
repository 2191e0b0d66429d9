"""The Sozialraumkarte widget: a folium map built from a :class:`core.map_data.MapView`,
shown with streamlit-folium, with every script and stylesheet served by the app.

folium and streamlit-folium would load Leaflet, jQuery, Bootstrap, Font Awesome and
the awesome-markers and markercluster plugins from CDNs. Here the map and the cluster
layer get local URLs (:mod:`ui.leaflet`), and nothing else is used: offer markers are
inline SVG ``DivIcon``s, the hatching of suppressed areas is an SVG pattern.

folium renders every element's script as a Jinja template, and branca renders that
output *again* as a template. Data therefore reaches folium only through
:func:`core.escaping.template_inert` (GeoJSON, marker rows, lookup tables, attribution):
no brace from a name, so no ``{{``, ``{%`` or ``{#`` is ever evaluated; the browser
shows the braces from their HTML entities.
"""

from __future__ import annotations

import html
import json
from typing import Any

import folium
import pandas as pd
from folium.plugins import FastMarkerCluster
from folium.template import Template
from streamlit_folium import st_folium

from core.config import setting
from core.escaping import html_text, template_inert
from core.map_data import MapView
from core.present.map_style import (
    AREA_EDGE_COLOR,
    BORDER_COLOR,
    HATCH_COLOR,
    OFFER_SYMBOLS,
    OTHER_SYMBOL,
    SUPPRESSED_COLOR,
    SWATCH_EDGE_COLOR,
    LegendEntry,
)
from core.present.numbers import format_number
from core.present.vocabulary import MUTED_TEXT_COLOUR
from ui.leaflet import CLUSTER_CSS, CLUSTER_JS, LEAFLET_CSS, LEAFLET_JS, ensure_assets

MAP_HEIGHT = 560
HATCH_ID = "praev-hatch"
HATCH_FILL = f"url(#{HATCH_ID})"
LAYER_AREAS = "Werte ({level})"
LAYER_BORDERS = "Grenzen der Kommunen und des Kreises"
LAYER_OFFERS = "Angebote ({n})"
LAYER_BASEMAP = "Hintergrundkarte"
OSM_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
TILE_ATTRIBUTION_FALLBACK = "Hintergrundkarte: {host}"
POPUP_LABELS = ("Träger: ", "Angebotsart: ", "Lebensphasen: ", "Kapazität: ", "Sozialraum: ")

#: Inline SVG bodies (18×18 viewBox) of the offer symbols.
SYMBOL_SVG: dict[str, str] = {
    "circle": '<circle cx="9" cy="9" r="6.5"/>',
    "square": '<rect x="3" y="3" width="12" height="12"/>',
    "triangle": '<polygon points="9,1.8 16.6,15.6 1.4,15.6"/>',
    "diamond": '<polygon points="9,1.2 16.8,9 9,16.8 1.2,9"/>',
    "pentagon": '<polygon points="9,1.5 16.6,7 13.7,16 4.3,16 1.4,7"/>',
    "star": '<polygon points="9,0.8 11.2,6.3 17.1,6.6 12.5,10.3 14,16.1 9,12.8 '
    '4,16.1 5.5,10.3 0.9,6.6 6.8,6.3"/>',
}

_CSS = """
<style>
.praev-offer svg { display: block; }
.praev-cluster { background: rgba(26,31,36,0.82); color: #fff; border: 2px solid #fff;
  border-radius: 50%; width: 30px; height: 30px; line-height: 26px; text-align: center;
  font: 600 12px/26px sans-serif; box-shadow: 0 0 2px rgba(0,0,0,.5); }
.leaflet-tooltip, .leaflet-popup-content { font: 13px/1.35 sans-serif; }
.leaflet-control-layers { font: 12px/1.4 sans-serif; }
.leaflet-container { background: white; }
.praev-hatch-defs { position: absolute; width: 0; height: 0; }
path.leaflet-interactive:focus { outline: none; }
</style>
"""

_HATCH_SVG = (
    f'<svg class="praev-hatch-defs" aria-hidden="true" focusable="false"><defs>'
    f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="7" height="7" '
    f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{SUPPRESSED_COLOR}"/>'
    f'<line x1="0" y1="0" x2="0" y2="7" stroke="{HATCH_COLOR}" stroke-width="2.5"/>'
    f"</pattern></defs></svg>"
)


def symbol_svg(color: str, symbol: str, size: int = 18) -> str:
    """An offer symbol as an inline SVG element (also used in the page's legend)."""
    body = SYMBOL_SVG.get(symbol, SYMBOL_SVG["circle"])
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 18 18" aria-hidden="true">'
        f'<g fill="{html_text(color)}" stroke="{BORDER_COLOR}" stroke-width="1.3">'
        f"{body}</g></svg>"
    )


HATCH_CSS = f"repeating-linear-gradient(45deg,{HATCH_COLOR} 0 2px,{SUPPRESSED_COLOR} 2px 5px)"
_ROW = '<div style="display:flex;align-items:center;gap:.5rem;margin:.15rem 0">{}</div>'


def legend_html(entries: list[LegendEntry], count_text: str = "{n} Gebiet(e)") -> str:
    """The value legend as HTML: swatch, class range, number of areas (all escaped)."""
    parts = []
    for e in entries:
        background = HATCH_CSS if e.hatched else html_text(e.color)
        swatch = (
            f'<span style="flex:none;width:1.4rem;height:1rem;border:1px solid {SWATCH_EDGE_COLOR};'
            f'background:{background}"></span>'
        )
        count = html_text(count_text.format(n=e.count))
        muted = f'<span style="color:{MUTED_TEXT_COLOUR}">({count})</span>'
        text = f"<span>{html_text(e.label)} {muted}</span>"
        parts.append(_ROW.format(swatch + text))
    return "".join(parts)


def offer_legend_html(labels: dict[str, str]) -> str:
    """The offer symbols with their German type names as HTML."""
    return "".join(
        _ROW.format(f"{symbol_svg(*sym)}<span>{html_text(labels.get(t, t))}</span>")
        for t, sym in OFFER_SYMBOLS.items()
    )


class _Script(folium.MacroElement):
    """JavaScript run after the map is created (``map`` is the Leaflet map); also
    removes the layers in ``hide`` (folium's ``show=False`` misses plugin layers)."""

    def __init__(self, code: str, hide: list[folium.MacroElement] | None = None):
        super().__init__()
        self._name = "PraevScript"
        self.code = code
        self.hide = hide or []
        self._template = Template(
            "{% macro script(this, kwargs) %}"
            "(function(map){ {{ this.code }} "
            "{% for layer in this.hide %}map.removeLayer({{ layer.get_name() }});{% endfor %}"
            "})({{ this._parent.get_name() }});"
            "{% endmacro %}"
        )


def _tiles(m: folium.Map) -> str | None:
    """Add the configured basemap; returns its attribution (None without tiles)."""
    url = setting("PRAEV_TILE_URL").strip()
    if not url:
        return None
    attribution = setting("PRAEV_TILE_ATTRIBUTION").strip()
    if not attribution:
        from urllib.parse import urlsplit

        host = urlsplit(url.replace("{s}", "a")).hostname or url
        attribution = (
            OSM_ATTRIBUTION
            if "openstreetmap" in url
            else TILE_ATTRIBUTION_FALLBACK.format(host=host)
        )
    folium.TileLayer(
        tiles=url,
        attr=html_text(attribution),
        name=LAYER_BASEMAP,
        overlay=False,
        control=False,
        max_zoom=19,
    ).add_to(m)
    return attribution


def _area_style(feature: dict[str, Any]) -> dict[str, Any]:
    p = feature["properties"]
    return {
        "fillColor": HATCH_FILL if p["hatched"] else p["color"],
        "fillOpacity": 0.85,
        "color": AREA_EDGE_COLOR,
        "weight": 0.8,
        "opacity": 1,
    }


def _highlight(_feature: dict[str, Any]) -> dict[str, Any]:
    return {"color": BORDER_COLOR, "weight": 3, "fillOpacity": 0.95}


def _border_style(feature: dict[str, Any]) -> dict[str, Any]:
    selected = feature["properties"].get("selected")
    return {"fill": False, "color": BORDER_COLOR, "weight": 4 if selected else 2, "opacity": 0.9}


def _district_style(_feature: dict[str, Any]) -> dict[str, Any]:
    return {"fill": False, "color": BORDER_COLOR, "weight": 3.5, "opacity": 1}


def _lookup(values: pd.Series) -> tuple[list[str], list[int]]:
    """Distinct values and each row's index into them (keeps the page small)."""
    codes, uniques = pd.factorize(values, sort=False)
    return [str(u) for u in uniques], [int(c) for c in codes]


def _offers_layer(offers: pd.DataFrame, show: bool) -> FastMarkerCluster:
    """Offers as SVG markers in a cluster layer.

    Repeated texts (provider, type, phases, places, area) travel once in lookup tables;
    each row is ``[lat, lon, symbol, name, provider, type, phases, places, area]`` with
    indices into them. Every text is already HTML-escaped by :mod:`core.map_data`.
    """
    keys = [*OFFER_SYMBOLS, "_other"]
    svgs = [symbol_svg(*OFFER_SYMBOLS.get(k, OTHER_SYMBOL)) for k in keys]
    symbol_index = {k: i for i, k in enumerate(keys)}
    tables = {}
    codes = {}
    for col in ("provider", "offer_type", "phases", "places", "area"):
        tables[col], codes[col] = _lookup(offers[col])
    rows = template_inert(
        [
            [
                lat,
                lon,
                symbol_index.get(t, len(keys) - 1),
                name,
                *(codes[c][i] for c in ("provider", "offer_type", "phases", "places", "area")),
            ]
            for i, (lat, lon, t, name) in enumerate(
                zip(
                    offers["lat"],
                    offers["lon"],
                    offers["offer_type_id"],
                    offers["name"],
                    strict=True,
                )
            )
        ]
    )
    labels = json.dumps(POPUP_LABELS)
    callback = (
        "function (row) {"
        f"  var svgs = {json.dumps(svgs)}, t = {json.dumps(template_inert(tables))},"
        f"  lab = {labels};"
        "  var icon = L.divIcon({html: svgs[row[2]], className: 'praev-offer',"
        "    iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8]});"
        "  var marker = L.marker(new L.LatLng(row[0], row[1]),"
        "    {icon: icon, keyboard: false});"
        "  marker.bindPopup(function () { return '<b>' + row[3] + '</b>'"
        "    + '<br>' + lab[0] + t.provider[row[4]] + '<br>' + lab[1] + t.offer_type[row[5]]"
        "    + '<br>' + lab[2] + t.phases[row[6]] + '<br>' + lab[3] + t.places[row[7]]"
        "    + '<br>' + lab[4] + t.area[row[8]]; }, {maxWidth: 300});"
        "  return marker;"
        "}"
    )
    cluster = FastMarkerCluster(
        rows,
        callback=callback,
        name=LAYER_OFFERS.format(n=format_number(len(rows), 0)),
        show=show,
        icon_create_function=(
            "function (cluster) { return L.divIcon({html: '<div class=\"praev-cluster\">' +"
            " cluster.getChildCount() + '</div>', className: 'praev-cluster-icon',"
            " iconSize: L.point(30, 30)}); }"
        ),
        options={
            "showCoverageOnHover": False,
            "maxClusterRadius": 45,
            "disableClusteringAtZoom": 15,
        },
    )
    cluster.default_js = [("markercluster_js", CLUSTER_JS)]
    cluster.default_css = [(f"markercluster_css_{i}", u) for i, u in enumerate(CLUSTER_CSS)]
    return cluster


def build_map(
    view: MapView, offers: pd.DataFrame | None = None, show_offers: bool = False
) -> folium.Map:
    """The folium map of a view: values, borders, optional offers, layer control,
    attribution; every script and stylesheet from the app's own static files."""
    level_label = "Sozialräume" if view.level == "area" else "Kommunen"
    m = folium.Map(
        location=[51.15, 6.65],
        zoom_start=10,
        tiles=None,
        zoom_control=False,
        zoom_snap=0.25,
    )
    m.options.update(minZoom=8, maxZoom=18)  # folium passes these only to tile layers
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    m.get_root().header.add_child(folium.Element(_CSS))
    basemap = _tiles(m)
    folium.GeoJson(
        template_inert(view.geojson),
        name=LAYER_AREAS.format(level=level_label),
        style_function=_area_style,
        highlight_function=_highlight,
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    ).add_to(m)
    borders = folium.FeatureGroup(name=LAYER_BORDERS, show=True)
    if view.level == "area":
        folium.GeoJson(
            template_inert(view.municipality_outlines),
            style_function=_border_style,
            interactive=False,
        ).add_to(borders)
    folium.GeoJson(
        template_inert(view.district_outline), style_function=_district_style, interactive=False
    ).add_to(borders)
    borders.add_to(m)
    hide = []
    if offers is not None and len(offers):
        cluster = _offers_layer(offers, show_offers).add_to(m)
        if not show_offers:
            hide.append(cluster)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    credits = [view.attribution] + ([basemap] if basemap else [])
    code = (
        f"document.body.insertAdjacentHTML('beforeend', {json.dumps(_HATCH_SVG)});"
        "map.attributionControl.setPrefix('Leaflet');"
        "L.control.zoom({zoomInTitle: 'Vergrößern', zoomOutTitle: 'Verkleinern'}).addTo(map);"
        "L.control.scale({imperial: false}).addTo(map);"
        + "".join(
            f"map.attributionControl.addAttribution({json.dumps(html_text(c))});" for c in credits
        )
    )
    _Script(code, hide).add_to(m)
    if view.bounds[0] != view.bounds[1]:
        m.fit_bounds(view.bounds, padding=(8, 8))
    return m


def render_map(
    view: MapView,
    offers: pd.DataFrame | None = None,
    show_offers: bool = False,
    key: str = "karte",
) -> str | None:
    """Show the map; returns the id of the area the user clicked last (or None)."""
    ensure_assets()
    m = build_map(view, offers, show_offers)
    state = st_folium(
        m,
        key=key,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    return clicked_area(state, set(view.values["area_id"]))


def clicked_area(state: dict[str, Any] | None, known: set[str]) -> str | None:
    """The area id in streamlit-folium's ``last_active_drawing`` if it is a known area."""
    drawing = (state or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    area_id = props.get("area_id")
    if not isinstance(area_id, str):
        return None
    area_id = html.unescape(area_id)
    return area_id if area_id in known else None


# --- the controls and panels of the map page -------------------------------------------
