"""The Sozialraumkarte widget: a folium map built from a :class:`core.map_data.MapView`,
shown with streamlit-folium, with every script and stylesheet served by the app.

Names of the Kommunen and Sozialräume stand on the map as labels (``praev-label``): the
Kommunen at the first view of the Kreis, the Sozialräume from one zoom step closer or
at once when a Kommune is selected; a label that would overlap one already placed (the
larger area wins) is hidden until there is room. The area the user clicked is outlined
(``praev-selected``) by a layer streamlit-folium swaps without reloading the map.

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
import re
from typing import Any

import folium
import pandas as pd
import streamlit as st
from folium.plugins import FastMarkerCluster
from folium.template import Template
from streamlit_folium import st_folium

from core.config import setting
from core.escaping import html_text, template_inert
from core.map_data import LABEL_AREA, MapView
from core.present.map_style import (
    AREA_EDGE_COLOR,
    BORDER_COLOR,
    HATCH_COLOR,
    LABEL_COLOR,
    LABEL_HALO_COLOR,
    OFFER_SYMBOLS,
    OTHER_SYMBOL,
    SELECTED_CASING_COLOR,
    SELECTED_CASING_WEIGHT,
    SELECTED_COLOR,
    SELECTED_WEIGHT,
    SUPPRESSED_COLOR,
)
from core.present.numbers import format_number
from ui.leaflet import CLUSTER_CSS, CLUSTER_JS, LEAFLET_CSS, LEAFLET_JS, ensure_assets
from ui.map_legend import symbol_svg

#: Height of the map in pixels: at 1280×720 (a projector) it ends at the window's bottom.
MAP_HEIGHT = 470
#: Session key of the map component's state (its last click).
MAP_KEY = "karte"
HATCH_ID = "praev-hatch"
HATCH_FILL = f"url(#{HATCH_ID})"
LAYER_AREAS = "Werte ({level})"
LAYER_BORDERS = "Grenzen der Kommunen und des Kreises"
LAYER_OFFERS = "Angebote ({n})"
LAYER_BASEMAP = "Hintergrundkarte"
LAYER_LABELS = "Namen der Gebiete"
LAYER_SELECTED = "Ausgewähltes Gebiet"
LAYERS_TITLE = "Ebenen ein- und ausblenden"
#: CSS classes of the name labels and of the selected area's outline.
LABEL_CLASS = "praev-label"
SELECTED_CLASS = "praev-selected"
#: Zoom steps beyond the first view of the whole Kreis from which Sozialräume are named.
AREA_LABEL_STEP = 1
OSM_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
TILE_ATTRIBUTION_FALLBACK = "Hintergrundkarte: {host}"
POPUP_LABELS = ("Träger: ", "Angebotsart: ", "Lebensphasen: ", "Kapazität: ", "Sozialraum: ")

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
.praev-label { pointer-events: none; }
.praev-label span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  color: LABEL; font: 600 13px/1.15 sans-serif; letter-spacing: .01em;
  text-shadow: 0 0 2px HALO, 0 0 3px HALO, 1px 1px 1px HALO, -1px -1px 1px HALO,
    1px -1px 1px HALO, -1px 1px 1px HALO; }
.praev-label-municipality span { font-size: 15px; font-weight: 700; }
</style>
"""

_CSS = _CSS.replace("LABEL", LABEL_COLOR).replace("HALO", LABEL_HALO_COLOR)

_HATCH_SVG = (
    f'<svg class="praev-hatch-defs" aria-hidden="true" focusable="false"><defs>'
    f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="7" height="7" '
    f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{SUPPRESSED_COLOR}"/>'
    f'<line x1="0" y1="0" x2="0" y2="7" stroke="{HATCH_COLOR}" stroke-width="2.5"/>'
    f"</pattern></defs></svg>"
)


class _Script(folium.MacroElement):
    """JavaScript run after the map is created (``map`` is the Leaflet map, ``control``
    its layer control); also removes the layers in ``hide`` (folium's ``show=False``
    misses plugin layers). ``code`` must hold no data that is not template-inert."""

    def __init__(
        self,
        code: str,
        control: folium.LayerControl,
        hide: list[folium.MacroElement] | None = None,
    ):
        super().__init__()
        self._name = "PraevScript"
        self.code = code
        self.control = control
        self.hide = hide or []
        self._template = Template(
            "{% macro script(this, kwargs) %}"
            "(function(map, control){ {{ this.code }} "
            "{% for layer in this.hide %}map.removeLayer({{ layer.get_name() }});{% endfor %}"
            "})({{ this._parent.get_name() }}, {{ this.control.get_name() }});"
            "{% endmacro %}"
        )


#: The name labels: one marker per label in its own pane (no pointer events), switched
#: on zoom between Kommunen and Sozialräume; a label overlapping one placed before it
#: (labels come largest area first) is hidden. ``labels`` rows: [kind, lat, lon, html].
_LABELS_JS = """
var labels = LABELS, areaFirst = AREA_FIRST, areaStep = AREA_STEP, areaZoom = null;
map.createPane('praevLabels');
var pane = map.getPane('praevLabels');
pane.style.zIndex = 450; pane.style.pointerEvents = 'none';
var group = L.layerGroup();
var marks = labels.map(function (l) {
  var icon = L.divIcon({className: 'CLASS CLASS-' + l[0], html: '<span>' + l[3] + '</span>',
    iconSize: null});
  var mark = L.marker([l[1], l[2]], {icon: icon, pane: 'praevLabels', interactive: false,
    keyboard: false});
  group.addLayer(mark);
  return mark;
});
var hasArea = labels.some(function (l) { return l[0] === 'AREA'; });
function place() {
  if (!map.hasLayer(group)) { return; }
  if (areaZoom === null) { areaZoom = map.getZoom() + (areaFirst ? 0 : areaStep); }
  var areaMode = hasArea && map.getZoom() >= areaZoom - 0.01, taken = [];
  marks.forEach(function (mark, i) {
    var el = mark.getElement();
    if (!el) { return; }
    var wanted = (labels[i][0] === 'AREA') === areaMode;
    el.style.display = wanted ? '' : 'none';
    if (!wanted) { return; }
    var p = map.latLngToContainerPoint(mark.getLatLng()), span = el.firstChild;
    var w = span.offsetWidth / 2, h = span.offsetHeight / 2;
    var r = {left: p.x - w, right: p.x + w, top: p.y - h, bottom: p.y + h};
    var hit = taken.some(function (t) {
      return r.left < t.right + 4 && r.right > t.left - 4
        && r.top < t.bottom + 1 && r.bottom > t.top - 1;
    });
    if (hit) { el.style.display = 'none'; } else { taken.push(r); }
  });
}
group.addTo(map);
control.addOverlay(group, LAYER_NAME);
map.on('zoomend moveend overlayadd', place);
place();
"""


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


_PLACEHOLDER = re.compile(r"\b(LABELS|AREA_FIRST|AREA_STEP|LAYER_NAME|CLASS|AREA)\b")


def _labels_js(view: MapView, area_first: bool) -> str:
    """The script of the name labels (names are escaped by :mod:`core.map_data`); the
    placeholders are filled in one pass, so no name is ever read as one."""
    rows = template_inert([[lb.kind, lb.lat, lb.lon, lb.name] for lb in view.labels])
    values = {
        "LABELS": json.dumps(rows),
        "AREA_FIRST": json.dumps(area_first),
        "AREA_STEP": json.dumps(AREA_LABEL_STEP),
        "LAYER_NAME": json.dumps(LAYER_LABELS),
        "CLASS": LABEL_CLASS,
        "AREA": LABEL_AREA,
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(0)], _LABELS_JS)


def selected_outline(view: MapView, area_id: str | None) -> folium.FeatureGroup | None:
    """The outline of the selected area (a white casing under a line in the selection
    colour) as a layer streamlit-folium adds without reloading the map; None when the
    area is not on this map."""
    geometry = next(
        (f["geometry"] for f in view.geojson["features"] if area_id and f["id"] == area_id),
        None,
    )
    if geometry is None:
        return None
    group = folium.FeatureGroup(name=LAYER_SELECTED, control=False)
    for color, weight, css in (
        (SELECTED_CASING_COLOR, SELECTED_CASING_WEIGHT, f"{SELECTED_CLASS}-casing"),
        (SELECTED_COLOR, SELECTED_WEIGHT, SELECTED_CLASS),
    ):
        style = {"fill": False, "color": color, "weight": weight, "opacity": 1, "className": css}
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": geometry},
            style_function=lambda _f, style=style: style,
            interactive=False,
        ).add_to(group)
    return group


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
    view: MapView,
    offers: pd.DataFrame | None = None,
    show_offers: bool = False,
    area_names_first: bool = False,
) -> folium.Map:
    """The folium map of a view: values, borders, name labels, optional offers, the
    collapsed layer control, attribution; every script and stylesheet from the app's
    own static files. ``area_names_first`` names the Sozialräume from the first view
    (one Kommune shown) instead of the Kommunen."""
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
    hide: list[folium.MacroElement] = []
    if offers is not None and len(offers):
        cluster = _offers_layer(offers, show_offers)
        cluster.add_to(m)
        if not show_offers:
            hide.append(cluster)
    control = folium.LayerControl(collapsed=True, position="topright")
    control.add_to(m)
    if view.bounds[0] != view.bounds[1]:
        m.fit_bounds(view.bounds, padding=(8, 8))
    credits = [view.attribution] + ([basemap] if basemap else [])
    code = (
        f"document.body.insertAdjacentHTML('beforeend', {json.dumps(_HATCH_SVG)});"
        "map.attributionControl.setPrefix('Leaflet');"
        "L.control.zoom({zoomInTitle: 'Vergrößern', zoomOutTitle: 'Verkleinern'}).addTo(map);"
        "L.control.scale({imperial: false}).addTo(map);"
        f"control._layersLink.title = {json.dumps(LAYERS_TITLE)};"
        f"control._layersLink.setAttribute('aria-label', {json.dumps(LAYERS_TITLE)});"
        + "".join(
            f"map.attributionControl.addAttribution({json.dumps(html_text(c))});" for c in credits
        )
        + _labels_js(view, area_names_first)
    )
    _Script(code, control, hide).add_to(m)
    return m


def render_map(
    view: MapView,
    offers: pd.DataFrame | None = None,
    show_offers: bool = False,
    selected: str | None = None,
    area_names_first: bool = False,
    key: str = MAP_KEY,
) -> None:
    """Show the map with the ``selected`` area outlined. The area the user clicks
    arrives with the next run (:func:`last_click`)."""
    ensure_assets()
    m = build_map(view, offers, show_offers, area_names_first)
    st_folium(
        m,
        key=key,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        feature_group_to_add=selected_outline(view, selected),
    )


def last_click(view: MapView, key: str = MAP_KEY) -> str | None:
    """The area of this map the user clicked last, read before the map is drawn, so
    the map can outline it in the same run as the side panel names it."""
    return clicked_area(st.session_state.get(key), set(view.values["area_id"]))


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
