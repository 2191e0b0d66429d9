"""The Selection: the one carrier of the shared filters (Berichtsquartal, Kommune,
Indikator, Gebiet) for pages, CLI and reports.

It is parsed once at the edge, from a URL's query parameters or from CLI arguments,
into typed values (a :class:`~core.quarters.Quarter`, an
:class:`~core.catalogue.IndicatorEntry`); below the edge nobody parses text again.
An invalid parameter falls back to the default and leaves a German note, never an
exception. :meth:`Selection.link` writes a relative link that keeps the selection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from sqlalchemy import Connection

from core.catalogue import IndicatorEntry
from core.errors import NotFoundError
from core.escaping import markdown_text
from core.present.vocabulary import municipality_label
from core.quarters import Quarter, parse_quarter

PARAM_QUARTER = "quartal"
PARAM_MUNICIPALITY = "kommune"
PARAM_INDICATOR = "indikator"
PARAM_AREA = "gebiet"
DEFAULT_INDICATOR = "sgb2_u15"
DISTRICT_NAME = "Rhein-Kreis Neuss"
NOTE_BAD_PARAM = "Der Link enthielt {what} „{value}“, das es nicht gibt. Gezeigt wird {fallback}."
NO_AREA_SHOWN = "kein einzelner Sozialraum"


@dataclass(frozen=True)
class AreaChoice:
    """A Sozialraum as the filters and the Steckbrief offer it."""

    id: str
    name: str
    municipality_id: str | None
    municipality_name: str

    @property
    def label(self) -> str:
        """``"Delhoven (Dormagen)"``: the Sozialraum with its Kommune."""
        return f"{self.name} ({self.municipality_name})" if self.municipality_name else self.name


@dataclass(frozen=True)
class Choices:
    """What can be selected: quarters with data (ascending), Kommunen (id -> name), the
    indicator catalogue in display order, the Kreis's name."""

    quarters: tuple[Quarter, ...]
    municipalities: Mapping[str, str]
    indicators: tuple[IndicatorEntry, ...]
    district_name: str = DISTRICT_NAME
    municipality_labels: Mapping[str, str] = field(default_factory=dict)
    #: the Sozialräume in the order every list shows them (Kommune, then name)
    areas: tuple[AreaChoice, ...] = ()

    def area_options(self, municipality_id: str | None) -> tuple[AreaChoice, ...]:
        """The Sozialräume of a Kommune (all of the Kreis for None), in shown order."""
        if not municipality_id:
            return self.areas
        return tuple(a for a in self.areas if a.municipality_id == municipality_id)

    def indicator(self, indicator_id: str) -> IndicatorEntry | None:
        """The catalogue entry with this id, or None."""
        return next((e for e in self.indicators if e.id == indicator_id), None)

    @property
    def default_indicator(self) -> IndicatorEntry:
        """The SGB-II-Quote unter 15, else the first indicator of the catalogue."""
        return self.indicator(DEFAULT_INDICATOR) or self.indicators[0]


@dataclass(frozen=True)
class Selection:
    """What the user selected in the shared filters."""

    quarter: Quarter
    quarters: tuple[Quarter, ...]
    indicator: IndicatorEntry
    municipality_id: str | None = None
    municipality_name: str = DISTRICT_NAME
    area_id: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def scope_label(self) -> str:
        """``"Neuss"`` or ``"Rhein-Kreis Neuss"`` for headings."""
        return self.municipality_name

    @property
    def history(self) -> tuple[Quarter, ...]:
        """The quarters with data up to and including the Berichtsquartal: every time
        series of every output ends at the selected quarter."""
        return tuple(q for q in self.quarters if q <= self.quarter)

    def params(self, **extra: str | None) -> dict[str, str]:
        """The URL parameters of this selection, with ``extra`` added (None removes)."""
        out = {PARAM_QUARTER: self.quarter.key, PARAM_INDICATOR: self.indicator.id}
        if self.municipality_id:
            out[PARAM_MUNICIPALITY] = self.municipality_id
        if self.area_id:
            out[PARAM_AREA] = self.area_id
        for key, value in extra.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    def link(self, page: str, **extra: str | None) -> str:
        """A relative link to ``page`` that keeps this selection (plus ``extra``)."""
        return f"/{page}?{urlencode(self.params(**extra))}"

    def with_(self, **changes: object) -> Selection:
        """A copy with some fields changed (e.g. another quarter for a comparison)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _note(what: str, raw: str, fallback: str) -> str:
    return NOTE_BAD_PARAM.format(what=what, value=markdown_text(raw), fallback=fallback)


def resolve_area(
    raw: str | None, choices: Choices, municipality_id: str | None
) -> tuple[str | None, str | None]:
    """The Sozialraum a link's ``gebiet`` asks for, and a note when it does not exist.

    An unknown id falls back to the first Sozialraum of the selected Kommune (of the
    Kreis without one) in the order the Steckbrief lists them, and the note names
    exactly that Sozialraum, so the note and what is shown always agree. Without known
    Sozialräume (``choices.areas`` empty) the id is kept unchecked.
    """
    if not raw:
        return None, None
    if not choices.areas or any(a.id == raw for a in choices.areas):
        return raw, None
    options = choices.area_options(municipality_id)
    fallback = options[0] if options else None
    shown = f"der Sozialraum „{fallback.label}“" if fallback else NO_AREA_SHOWN
    return (fallback.id if fallback else None), _note("das Gebiet", raw, shown)


def parse_selection(params: Mapping[str, str], choices: Choices) -> Selection:
    """The Selection a URL (or CLI) asks for; unknown values fall back with a note.

    ``params`` maps ``quartal``, ``kommune``, ``indikator`` and ``gebiet`` to text.
    Defaults: the newest quarter with data, the whole Kreis, the SGB-II-Quote unter 15,
    no area. An unknown ``gebiet`` falls back as :func:`resolve_area` says.
    """
    if not choices.quarters:
        raise NotFoundError("Es gibt noch keine Daten: kein Berichtsquartal wählbar.")
    notes: list[str] = []
    quarter = choices.quarters[-1]
    raw = params.get(PARAM_QUARTER)
    if raw:
        try:
            wanted = parse_quarter(raw)
            if wanted not in choices.quarters:
                raise NotFoundError(raw)
            quarter = wanted
        except NotFoundError:
            notes.append(_note("das Quartal", raw, f"das {quarter.label}"))
    muni: str | None = None
    raw = params.get(PARAM_MUNICIPALITY)
    if raw:
        if raw in choices.municipalities:
            muni = raw
        else:
            notes.append(_note("die Kommune", raw, "der ganze Kreis"))
    indicator = choices.default_indicator
    raw = params.get(PARAM_INDICATOR)
    if raw:
        found = choices.indicator(raw)
        if found is None:
            notes.append(_note("den Indikator", raw, f"„{indicator.short_name}“"))
        else:
            indicator = found
    area, area_note = resolve_area(params.get(PARAM_AREA) or None, choices, muni)
    if area_note:
        notes.append(area_note)
    return Selection(
        quarter=quarter,
        quarters=choices.quarters,
        indicator=indicator,
        municipality_id=muni,
        municipality_name=choices.municipalities.get(muni, choices.district_name)
        if muni
        else choices.district_name,
        area_id=area,
        notes=tuple(notes),
    )


def load_choices(conn: Connection) -> Choices:
    """What the shared filters offer, read from the database."""
    from core.areas import areas, district, municipalities
    from core.catalogue import indicator_entries
    from core.inventory import quarters_with_data

    munis = municipalities(conn)
    sozialraeume = areas(conn)
    sozialraeume = sozialraeume[sozialraeume["level"] == "area"].sort_values(
        ["municipality_name", "name"], kind="stable"
    )
    return Choices(
        quarters=tuple(quarters_with_data(conn)),
        municipalities={r.id: r.name for r in munis.itertuples()},
        indicators=tuple(indicator_entries(conn)),
        district_name=str(district(conn)["name"]),
        municipality_labels={
            r.id: municipality_label(r.name, r.youth_office_name) for r in munis.itertuples()
        },
        areas=tuple(
            AreaChoice(
                str(r.id),
                str(r.name),
                str(r.municipality_id) if isinstance(r.municipality_id, str) else None,
                str(r.municipality_name) if isinstance(r.municipality_name, str) else "",
            )
            for r in sozialraeume.itertuples()
        ),
    )
