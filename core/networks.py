"""Networks: quarterly status with change against the previous quarter, stage
distribution per youth office, which networks exist at the level where they are
expected (:func:`presence_matrix`) and one network's history.

A Kommune's networks are those coordinated by the youth office responsible for it
(the Kreisjugendamt for Jüchen, Korschenbroich and Rommerskirchen).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, select

from core.models import (
    Area,
    Network,
    NetworkKind,
    NetworkStage,
    NetworkStatus,
    YouthOffice,
)
from core.present.numbers import MISSING
from core.present.vocabulary import STAGE_CHANGE, TRAFFIC_LIGHTS
from core.quarters import Quarter

#: A traffic light as the entry form offers it: symbol and word from the vocabulary.
TRAFFIC_LIGHT_SYMBOLS = {key: term.text for key, term in TRAFFIC_LIGHTS.items()}
MISSING_NETWORK = "fehlt"
#: a Kreis-level network (e.g. the Gesundheitskonferenz) that counts for the office
KREIS_NETWORK = "✓ Kreis"
#: a Sozialraum-level kind: in how many of the office's Sozialräume there is one (short,
#: so that the column stays narrow; the matrix's reading aid says it in words)
SOZIALRAUM_SHARE = "{covered} von {total}"


def networks(conn: Connection) -> pd.DataFrame:
    """All networks with kind, scope and coordinating youth office."""
    stmt = (
        select(
            Network.id.label("network_id"),
            Network.name,
            Network.kind_id,
            NetworkKind.label.label("kind"),
            NetworkKind.position.label("kind_position"),
            Network.scope_area_id,
            Area.name.label("scope"),
            Area.level.label("scope_level"),
            Network.youth_office_id,
            YouthOffice.name.label("youth_office"),
        )
        .join(NetworkKind, NetworkKind.id == Network.kind_id)
        .join(Area, Area.id == Network.scope_area_id)
        .join(YouthOffice, YouthOffice.id == Network.youth_office_id)
        .order_by(Network.youth_office_id, NetworkKind.position, Network.name)
    )
    return pd.DataFrame(conn.execute(stmt).mappings().all())


def youth_office_of(conn: Connection, municipality_id: str) -> str | None:
    """The youth office responsible for a Kommune."""
    return conn.execute(select(Area.youth_office_id).where(Area.id == municipality_id)).scalar()


def _filtered(
    conn: Connection,
    youth_office_id: str | None,
    municipality_id: str | None,
    kind_id: str | None,
) -> pd.DataFrame:
    df = networks(conn)
    if df.empty:
        return df
    if municipality_id and not youth_office_id:
        youth_office_id = youth_office_of(conn, municipality_id)
    if youth_office_id:
        df = df[df["youth_office_id"] == youth_office_id]
    if kind_id:
        df = df[df["kind_id"] == kind_id]
    return df


def _statuses(conn: Connection, quarters: Sequence[str]) -> pd.DataFrame:
    stmt = select(NetworkStatus.__table__).where(NetworkStatus.quarter.in_(quarters))
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=[c.name for c in NetworkStatus.__table__.columns])
    return df


def _light_word(key: object) -> str | None:
    """The German word of a traffic light (None when none was reported)."""
    term = TRAFFIC_LIGHTS.get(key) if isinstance(key, str) else None
    return term.word if term else None


def change_symbol(stage: float | None, previous: float | None) -> str:
    """↑, ↓ or → for a stage against the previous quarter (:data:`STAGE_CHANGE`); "neu"
    without a previous one; "–" when the quarter was not reported."""
    if stage is None or pd.isna(stage):
        return "–"
    if previous is None or pd.isna(previous):
        return "neu"
    if stage > previous:
        return STAGE_CHANGE["up"]
    return STAGE_CHANGE["down"] if stage < previous else STAGE_CHANGE["same"]


def status_table(
    conn: Connection,
    quarter: Quarter,
    youth_office_id: str | None = None,
    municipality_id: str | None = None,
    kind_id: str | None = None,
) -> pd.DataFrame:
    """Every network of the selection with its status in the quarter and the change.

    Networks without a report for the quarter stay in the table (``reported`` False)
    so that a missing report is visible.
    """
    nets = _filtered(conn, youth_office_id, municipality_id, kind_id)
    stages = dict(conn.execute(select(NetworkStage.id, NetworkStage.label)).all())
    cur = _statuses(conn, [quarter.key])
    prev = _statuses(conn, [quarter.previous().key])[["network_id", "stage", "partners"]].rename(
        columns={"stage": "previous_stage", "partners": "previous_partners"}
    )
    keep = [
        "network_id",
        "stage",
        "partners",
        "meetings",
        "traffic_light",
        "criteria",
        "goals",
        "note",
        "version",
        "updated_by",
        "updated_at",
    ]
    if nets.empty:
        return pd.DataFrame(columns=[*nets.columns, *keep])
    df = nets.merge(cur[keep], how="left", on="network_id").merge(prev, how="left", on="network_id")
    df["reported"] = df["stage"].notna()
    df["stage_label"] = df["stage"].map(stages)
    df["traffic_light_label"] = df["traffic_light"].map(_light_word)
    df["change"] = [
        change_symbol(s, p) for s, p in zip(df["stage"], df["previous_stage"], strict=True)
    ]
    df["quarter"] = quarter.key
    _add_criteria_and_sectors(conn, df, quarter)
    return df.reset_index(drop=True)


def _add_criteria_and_sectors(conn: Connection, df: pd.DataFrame, quarter: Quarter) -> None:
    """``criteria_labels`` (the met criteria's labels, catalogue order) and
    ``partner_sectors`` (active partners per sector at the quarter's end; None where
    the network has no register) for each row of a status table, in place."""
    from core.catalogue import network_criteria
    from core.partners import by_sector, registers

    catalogue = network_criteria(conn)
    labels = dict(zip(catalogue["id"], catalogue["label"], strict=True)) if len(catalogue) else {}
    df["criteria_labels"] = [
        [labels[c] for c in labels if isinstance(met, list) and c in met] for met in df["criteria"]
    ]
    found = registers(conn, [int(n) for n in df["network_id"]])
    df["partner_sectors"] = [
        by_sector(found[int(n)], quarter.end) if int(n) in found else None for n in df["network_id"]
    ]


def stage_distribution(
    conn: Connection,
    quarters: Sequence[Quarter],
    youth_office_id: str | None = None,
    kind_id: str | None = None,
) -> pd.DataFrame:
    """Networks per youth office and stage for each quarter (long format).

    Columns: quarter, label, youth_office_id, youth_office, stage, stage_label, networks.
    """
    nets = networks(conn)
    if youth_office_id:
        nets = nets[nets["youth_office_id"] == youth_office_id]
    if kind_id:
        nets = nets[nets["kind_id"] == kind_id]
    st = _statuses(conn, [q.key for q in quarters])
    stages = dict(conn.execute(select(NetworkStage.id, NetworkStage.label)).all())
    df = st.merge(nets[["network_id", "youth_office_id", "youth_office"]], on="network_id")
    out = (
        df.groupby(["quarter", "youth_office_id", "youth_office", "stage"])
        .size()
        .rename("networks")
        .reset_index()
    )
    labels = {q.key: q.short_label for q in quarters}
    out["label"] = out["quarter"].map(labels)
    out["stage_label"] = out["stage"].map(stages)
    return out.sort_values(["quarter", "youth_office_id", "stage"]).reset_index(drop=True)


def network_history(conn: Connection, network_id: int, quarters: Sequence[Quarter]) -> pd.DataFrame:
    """One network's reports in ``quarters`` (a Selection's history, so the series ends
    at the Berichtsquartal), oldest first: stage, partners, meetings, traffic light, note."""
    stmt = (
        select(NetworkStatus.__table__, NetworkStage.label.label("stage_label"))
        .join(NetworkStage, NetworkStage.id == NetworkStatus.stage)
        .where(NetworkStatus.network_id == network_id)
        .where(NetworkStatus.quarter.in_([q.key for q in quarters]))
        .order_by(NetworkStatus.quarter)
    )
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if not df.empty:
        df["traffic_light_label"] = df["traffic_light"].map(_light_word)
    return df


def network_matrix(conn: Connection) -> pd.DataFrame:
    """Youth office × network kind: how many networks exist (0 shows a missing one)."""
    from core.catalogue import network_kinds

    nets = networks(conn)
    offices = pd.DataFrame(
        conn.execute(select(YouthOffice.id, YouthOffice.name)).all(),
        columns=["youth_office_id", "youth_office"],
    )
    kinds = network_kinds(conn)[["id", "label", "position"]].rename(
        columns={"id": "kind_id", "label": "kind", "position": "kind_position"}
    )
    grid = offices.merge(kinds, how="cross")
    counts = nets.groupby(["youth_office_id", "kind_id"]).size().rename("networks")
    grid = grid.join(counts, on=["youth_office_id", "kind_id"])
    grid["networks"] = grid["networks"].fillna(0).astype(int)
    return grid.sort_values(["youth_office_id", "kind_position"]).reset_index(drop=True)


# --- wide matrices of the Netzwerke page (symbols with words) --------------------------


def youth_offices(conn: Connection) -> pd.DataFrame:
    """All youth offices (id, name), ordered by name."""
    rows = conn.execute(select(YouthOffice.id, YouthOffice.name).order_by(YouthOffice.name))
    return pd.DataFrame(rows.all(), columns=["id", "name"])


def stage_trend(
    conn: Connection,
    quarters: Sequence[Quarter],
    youth_office_id: str | None = None,
    kind_id: str | None = None,
) -> pd.DataFrame:
    """Networks per stage for each quarter, summed over the youth offices of the selection.

    Columns: quarter, label, stage, stage_label, networks; every stage appears in every
    quarter (0 when none), so stacked charts do not skip a stage.
    """
    dist = stage_distribution(conn, quarters, youth_office_id, kind_id)
    stages = dict(conn.execute(select(NetworkStage.id, NetworkStage.label)).all())
    grid = pd.DataFrame(
        [(q.key, q.short_label, s, label) for q in quarters for s, label in sorted(stages.items())],
        columns=["quarter", "label", "stage", "stage_label"],
    )
    sums = dist.groupby(["quarter", "stage"])["networks"].sum() if not dist.empty else None
    grid["networks"] = [
        int(sums.get((q, s), 0)) if sums is not None else 0
        for q, s in zip(grid["quarter"], grid["stage"], strict=True)
    ]
    return grid


def _offices_in_district(conn: Connection) -> dict[str, set[str]]:
    """Each Kreis (area id) with the youth offices working in it: those of its
    Kommunen and the Kreis's own (the Kreisjugendamt)."""
    rows = conn.execute(select(Area.id, Area.level, Area.parent_id, Area.youth_office_id)).all()
    out: dict[str, set[str]] = {}
    for r in rows:
        if r.level == "district" and r.youth_office_id:
            out.setdefault(r.id, set()).add(r.youth_office_id)
        elif r.level == "municipality" and r.parent_id and r.youth_office_id:
            out.setdefault(r.parent_id, set()).add(r.youth_office_id)
    return out


def _sozialraeume(conn: Connection) -> pd.DataFrame:
    """Every Sozialraum with its Kommune and youth office."""
    rows = conn.execute(
        select(Area.id, Area.parent_id, Area.youth_office_id).where(Area.level == "area")
    )
    return pd.DataFrame(rows.all(), columns=["area_id", "municipality_id", "youth_office_id"])


def _own_cell(count: int) -> str:
    return "✓" if count == 1 else (f"✓ {count}" if count else MISSING_NETWORK)


def presence_matrix(conn: Connection) -> pd.DataFrame:
    """Network kind × youth office, each kind at the level where it is expected.

    Columns: kind, expected_level (``kreis``/``jugendamt``/``sozialraum``), then one
    column per youth office (its name, ordered by name); rows in catalogue order.
    Cells: "✓" (or "✓ 2" for two) for the office's own networks of the kind; for a
    Kreis-level kind (Gesundheitskonferenz, Bildungsnetzwerk) "✓ Kreis" when a network
    scoped to the whole Kreis exists, for every youth office in that Kreis; for a
    Sozialraum-level kind "3 von 12" Sozialräume (a network scoped to a Sozialraum
    covers it, one scoped to a Kommune all of its Sozialräume), "✓" when all are
    covered. "fehlt" only where a network is expected and there is none.
    """
    from core.catalogue import network_kinds

    grid = network_matrix(conn)
    if grid.empty:
        return pd.DataFrame(columns=["kind", "expected_level"])
    kinds = network_kinds(conn).set_index("id")
    levels = kinds["expected_level"].to_dict()
    nets = networks(conn)
    districts = _offices_in_district(conn)
    kreis_nets = nets[nets["scope_level"] == "district"] if not nets.empty else pd.DataFrame()
    kreis_kinds: dict[str, set[str]] = {}  # youth office -> kinds with a Kreis network
    for r in kreis_nets.itertuples():
        for office in districts.get(str(r.scope_area_id), set()):
            kreis_kinds.setdefault(office, set()).add(str(r.kind_id))
    areas = _sozialraeume(conn)
    cells = []
    for r in grid.itertuples():
        level = levels.get(r.kind_id, "jugendamt")
        if level == "sozialraum":
            cells.append(_sozialraum_cell(nets, areas, str(r.youth_office_id), str(r.kind_id)))
        elif (
            level == "kreis"
            and not r.networks
            and r.kind_id in kreis_kinds.get(str(r.youth_office_id), set())
        ):
            cells.append(KREIS_NETWORK)
        else:
            cells.append(_own_cell(int(r.networks)))
    grid = grid.assign(
        cell=cells, expected_level=[levels.get(k, "jugendamt") for k in grid["kind_id"]]
    )
    order = grid.drop_duplicates("kind_id").sort_values("kind_position")
    wide = grid.pivot(index="kind", columns="youth_office", values="cell").loc[order["kind"]]
    wide = wide[sorted(wide.columns)]
    wide.columns.name = None
    wide.insert(0, "expected_level", order["expected_level"].tolist())
    return wide.reset_index()


def _sozialraum_cell(nets: pd.DataFrame, areas: pd.DataFrame, office: str, kind: str) -> str:
    mine = areas[areas["youth_office_id"] == office]
    total = len(mine)
    if not total:
        return MISSING
    of_kind = nets[nets["kind_id"] == kind] if not nets.empty else nets
    scopes = set(of_kind["scope_area_id"]) if not of_kind.empty else set()
    covered = int(
        sum(
            1
            for a, m in zip(mine["area_id"], mine["municipality_id"], strict=True)
            if a in scopes or m in scopes
        )
    )
    return "✓" if covered == total else SOZIALRAUM_SHARE.format(covered=covered, total=total)
