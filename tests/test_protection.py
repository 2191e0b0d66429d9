"""Secondary suppression and the interval attacker (issue 14: recovered small counts)."""

from __future__ import annotations

import copy
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from core import protection
from core.cell_table import CellTable, Relation
from core.privacy_audit import audit, ranges, worst
from core.protection import ProtectionError, levels, protect

MIN = 3


def hierarchy(
    prefix: str, sozialraeume: dict[str, list[int]], table: CellTable | None = None
) -> CellTable:
    """Kreis → Kommunen → Sozialräume of one table; cells ``prefix|area``."""
    table = table or CellTable(values={})
    kommunen = []
    for kommune, counts in sozialraeume.items():
        parts = tuple(f"{prefix}|{kommune}-{i}" for i in range(len(counts)))
        for key, count in zip(parts, counts, strict=True):
            table.values[key] = count
        table.values[f"{prefix}|{kommune}"] = sum(counts)
        table.relations.append(Relation(f"{prefix}|{kommune}", parts))
        kommunen.append(f"{prefix}|{kommune}")
    table.values[f"{prefix}|kreis"] = sum(table.values[k] for k in kommunen)
    table.relations.append(Relation(f"{prefix}|kreis", tuple(kommunen)))
    return table


def with_primary(table: CellTable) -> CellTable:
    """Mark the small person counts (1 .. MIN-1) as primary."""
    table.primary = {k for k, v in table.values.items() if 1 <= v < MIN}
    return table


def reaches_min(table: CellTable, withheld: set[str], keys: list[str]) -> bool:
    found = ranges(table, withheld)
    return all(found[k][1] >= MIN for k in keys)


# -- the audit on tiny systems ---------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "relations", "at_most", "withheld", "expected"),
    [
        # total 10 = a + b + 4 with a, b withheld
        ({"t": 10, "a": 3, "b": 3, "c": 4}, [("t", "abc")], [], "ab", {"a": (0, 6), "b": (0, 6)}),
        # total minus the rest pins the cell
        ({"t": 6, "a": 1, "c": 5}, [("t", "ac")], [], "a", {"a": (1, 1)}),
        # numerator <= shown denominator caps the range
        (
            {"t": 10, "a": 1, "b": 5, "c": 4, "d": 2},
            [("t", "abc")],
            [("a", "d")],
            "ab",
            {"a": (0, 2), "b": (4, 6)},
        ),
        # shown numerator <= withheld denominator raises its lower end
        ({"t": 9, "a": 4, "b": 5, "n": 3}, [("t", "ab")], [("n", "a")], "ab", {"a": (3, 9)}),
        # a cell in no relation: nothing is known but >= 0
        ({"a": 2}, [], [], "a", {"a": (0, math.inf)}),
        # a withheld total over a withheld part: unbounded
        (
            {"t": 7, "a": 2, "b": 5},
            [("t", "ab")],
            [],
            "ta",
            {"t": (5, math.inf), "a": (0, math.inf)},
        ),
        # two levels, several equations (linear programmes)
        (
            {"T": 20, "K1": 10, "K2": 10, "a": 1, "b": 9, "c": 1, "d": 9},
            [("T", ["K1", "K2"]), ("K1", "ab"), ("K2", "cd")],
            [],
            ["a", "b", "K1", "K2"],
            {"a": (0, 10), "K1": (10, 10)},
        ),
        # relations over missing cells are ignored
        ({"t": 6, "a": 1}, [("t", "ax")], [("a", "y")], "a", {"a": (0, math.inf)}),
    ],
)
def test_audit_ranges(values, relations, at_most, withheld, expected):
    table = CellTable(
        values=values,
        relations=[Relation(t, tuple(p)) for t, p in relations],
        at_most=at_most,
    )
    found = ranges(table, set(withheld))
    for key, (low, high) in expected.items():
        assert found[key] == (low, high)


@pytest.mark.parametrize(
    ("values", "withheld", "problem"),
    [
        ({"t": 6, "a": 1, "b": 1, "c": 4}, "ab", "zwischen 0 und 2 (kleiner als 3)"),
        ({"t": 6, "a": 1, "b": 1, "c": 4}, "a", "genau bestimmbar: 1"),
        ({"t": 44, "a": 0, "b": 40, "c": 4}, "b", "genau bestimmbar: 40"),  # large but pinned
        ({"t": 6, "a": 0, "b": 2, "c": 4}, "ab", "zwischen 0 und 2"),  # withheld zero
    ],
)
def test_audit_breaches(values, withheld, problem):
    table = CellTable(values=values, relations=[Relation("t", ("a", "b", "c"))])
    found = audit(table, set(withheld), MIN)
    assert found and all(problem in b.problem for b in found)
    assert {b.key for b in found} <= set(withheld)


def test_audit_passes_wide_ranges_and_ignores_unknown_keys():
    table = CellTable(
        values={"t": 10, "a": 3, "b": 3, "c": 4}, relations=[Relation("t", ("a", "b", "c"))]
    )
    assert audit(table, {"a", "b", "not-a-cell"}, MIN) == []


def test_audit_refuses_contradicting_values():
    table = CellTable(values={"t": 10, "a": 3, "b": 3}, relations=[Relation("t", ("a", "b"))])
    with pytest.raises(ValueError, match="Summe"):
        audit(table, {"a"}, MIN)


def test_worst_lists_breaches_first_then_tightest():
    table = CellTable(
        values={"t": 30, "a": 1, "b": 1, "c": 28, "u": 50, "d": 20, "e": 30},
        relations=[Relation("t", ("a", "b", "c")), Relation("u", ("d", "e"))],
    )
    found = worst(table, {"a", "b", "d", "e"}, MIN, n=3)
    assert [b.key for b in found] == ["a", "b", "d"]
    assert "kleiner als 3" in found[0].problem
    assert found[2].problem == "Spielraum 0 bis 50"


# -- the recoveries of issue 14 --------------------------------------------------------


def test_a_two_hidden_cells_of_one_cannot_be_recovered_from_the_group_total():
    counts = [1, 1, *([140] * 25), 3936 - 2 - 25 * 140]
    table = with_primary(hierarchy("n", {"k1": counts, "k2": [50, 60]}))
    assert all("zwischen 0 und 2" in b.problem for b in audit(table, table.primary, MIN))
    withheld = protect(table, MIN)
    assert audit(table, withheld, MIN) == []
    assert reaches_min(table, withheld, sorted(table.primary))
    secondary = withheld - table.primary
    assert len(secondary) == 1 and secondary.pop().startswith("n|k1-")  # a Sozialraum


def test_b_kommune_hidden_at_kreis_level_is_not_recovered_from_its_sozialraeume():
    table = hierarchy("n", {"k1": [30, 40], "k2": [25, 35], "k3": [50, 45]})
    attack = audit(table, {"n|k1", "n|k2"}, MIN)  # hidden at Kreis level only
    assert {b.key for b in attack} == {"n|k1", "n|k2"}
    assert "genau bestimmbar: 70" in attack[0].problem
    table.primary = {"n|k2"}
    withheld = protect(table, MIN)
    assert audit(table, withheld, MIN) == []
    assert withheld & {"n|k2-0", "n|k2-1"}  # a Sozialraum of the hidden Kommune


def test_c_linked_tables_share_one_cell_with_one_status():
    # children under 3 per Sozialraum: denominator of SGB-II-u3 and coverage children
    table = hierarchy("pop", {"k1": [2, 40, 30], "k2": [25, 35]})
    hierarchy("sgb2", {"k1": [1, 9, 8], "k2": [6, 5]}, table)
    for kommune, n in (("k1", 3), ("k2", 2)):
        for i in range(n):
            table.at_most.append((f"sgb2|{kommune}-{i}", f"pop|{kommune}-{i}"))
    table.at_most.append(("sgb2|k1", "pop|k1"))
    # coverage table groups the same population cells by Kita catchment
    table.values["cov|north"] = 2 + 25
    table.relations.append(Relation("cov|north", ("pop|k1-0", "pop|k2-0")))
    with_primary(table)
    withheld = protect(table, MIN)
    assert "pop|k1-0" in withheld  # one key: hidden in every table that uses it
    assert audit(table, withheld, MIN) == []
    # modelled as two cells known to be equal, showing one of them is caught
    split = copy.deepcopy(table)
    split.values["cov|k1-0"] = 2
    split.relations.append(Relation("cov|k1-0", ("pop|k1-0",)))
    assert "pop|k1-0" in {b.key for b in audit(split, withheld, MIN)}
    assert audit(split, protect(with_primary(split), MIN), MIN) == []


def test_d_primary_cell_is_not_total_minus_the_rest():
    table = with_primary(hierarchy("n", {"k1": [2, 17, 23], "k2": [10, 11]}))
    assert audit(table, {"n|k1-0"}, MIN)[0].problem == "genau bestimmbar: 2"
    withheld = protect(table, MIN)
    assert audit(table, withheld, MIN) == []
    assert withheld == {"n|k1-0", "n|k1-1"}


def test_numerator_capped_by_small_denominator():
    table = hierarchy("den", {"k1": [2, 30, 25], "k2": [40]})
    hierarchy("num", {"k1": [1, 4, 5], "k2": [7]}, table)
    table.at_most += [("num|k1-0", "den|k1-0"), ("num|k1-1", "den|k1-1")]
    withheld = protect(with_primary(table), MIN)
    assert {"num|k1-0", "den|k1-0"} <= withheld
    assert audit(table, withheld, MIN) == []


# -- information loss ------------------------------------------------------------------


@pytest.mark.parametrize("kommune_cost", [None, 0.5])
def test_sozialraum_is_hidden_rather_than_the_kommune(kommune_cost):
    table = CellTable(
        values={"k": 31, "s1": 1, "s2": 10, "s3": 20},
        relations=[Relation("k", ("s1", "s2", "s3"))],
        primary={"s1"},
    )
    if kommune_cost is not None:
        table.cost["k"] = kommune_cost
    assert audit(table, {"s1", "k"}, MIN) == []  # hiding the Kommune would do as well
    assert protect(table, MIN) == {"s1", "s2"}


def test_zero_siblings_stay_shown_when_they_cannot_help():
    table = CellTable(
        values={"k": 42, "a": 1, "b": 1, "z1": 0, "z2": 0, "e": 40},
        relations=[Relation("k", ("a", "b", "z1", "z2", "e"))],
        primary={"a", "b"},
    )
    assert protect(table, MIN) == {"a", "b", "e"}


def test_levels_follow_the_hierarchy():
    table = hierarchy("n", {"k1": [1, 2], "k2": [3]})
    found = levels(table)
    assert (found["n|kreis"], found["n|k1"], found.get("n|k1-0", 0)) == (2, 1, 0)


def test_relations_that_pin_a_cell_by_themselves_raise():
    table = CellTable(values={"t": 0}, relations=[Relation("t", ())], primary={"t"})
    with pytest.raises(ProtectionError):
        protect(table, MIN)


def test_parallel_workers_give_the_same_result(monkeypatch):
    tables = [hierarchy(f"t{i}", {"k1": [1, 5, 9], "k2": [2, 8]}) for i in range(4)]
    table = CellTable(values={})
    for t in tables:
        table.values.update(t.values)
        table.relations += t.relations
    with_primary(table)
    monkeypatch.setattr(protection, "PARALLEL_MIN_CELLS", 1)
    assert protect(table, MIN, workers=2) == protect(table, MIN, workers=1)


# -- random worlds ---------------------------------------------------------------------

COUNT = st.one_of(st.integers(0, 3), st.integers(0, 60))


@st.composite
def worlds(draw: st.DrawFn) -> CellTable:
    """Kreis → 2–4 Kommunen → 1–5 Sozialräume, 1–2 tables, optional linked grouping."""
    shape = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    pop = {f"k{k}": draw(st.lists(COUNT, min_size=n, max_size=n)) for k, n in enumerate(shape)}
    table = hierarchy("pop", pop)
    if draw(st.booleans()):  # numerator table: num <= pop per Sozialraum
        num = {k: [draw(st.integers(0, c)) for c in counts] for k, counts in pop.items()}
        hierarchy("num", num, table)
        for key in list(table.values):
            if key.startswith("num|"):
                table.at_most.append((key, "pop|" + key.removeprefix("num|")))
    if draw(st.booleans()):  # linked: a second grouping of the same population cells
        leaves = [f"pop|k{k}-{i}" for k, n in enumerate(shape) for i in range(n)]
        chosen = draw(st.lists(st.sampled_from(leaves), min_size=1, unique=True))
        table.values["cov|group"] = sum(table.values[k] for k in chosen)
        table.relations.append(Relation("cov|group", tuple(chosen)))
    return with_primary(table)


@settings(derandomize=True, deadline=None, max_examples=100)
@given(worlds())
def test_protection_leaves_no_breach(table):
    raw = copy.deepcopy(table.values)
    withheld = protect(table, MIN)
    assert audit(table, withheld, MIN) == []
    assert table.primary <= withheld
    assert withheld <= table.values.keys()
    assert table.values == raw  # only decides withholding; shown values are the raw ones


def full_lp_ranges(table: CellTable, withheld: set[str]) -> dict[str, tuple[float, float]]:
    """Reference attacker: one linear programme over all withheld cells (no shortcuts)."""
    keys = sorted(withheld)
    index = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for rel in table.active_relations():
        row, rhs = [0.0] * len(keys), 0.0
        for key, coef in [(rel.total, 1.0), *((p, -1.0) for p in rel.parts)]:
            if key in index:
                row[index[key]] += coef
            else:
                rhs -= coef * table.values[key]
        a_eq.append(row)
        b_eq.append(rhs)
    for a, b in table.active_at_most():
        row, rhs = [0.0] * len(keys), 0.0
        for key, coef in ((a, 1.0), (b, -1.0)):
            if key in index:
                row[index[key]] += coef
            else:
                rhs -= coef * table.values[key]
        a_ub.append(row)
        b_ub.append(rhs)
    out = {}
    for key, i in index.items():
        bounds = []
        for sign in (1.0, -1.0):
            c = [0.0] * len(keys)
            c[i] = sign
            res = linprog(
                c,
                A_eq=a_eq or None,
                b_eq=b_eq or None,
                A_ub=a_ub or None,
                b_ub=b_ub or None,
                bounds=(0, None),
                method="highs",
            )
            bounds.append(math.inf if res.status == 3 else sign * res.fun)
        out[key] = (bounds[0], bounds[1])
    return out


@settings(derandomize=True, deadline=None, max_examples=60)
@given(worlds(), st.data())
def test_audit_ranges_match_one_big_linear_programme(table, data):
    keys = sorted(table.values)
    withheld = set(data.draw(st.lists(st.sampled_from(keys), max_size=8, unique=True)))
    expected = full_lp_ranges(table, withheld)
    found = ranges(table, withheld)
    assert found.keys() == expected.keys()
    for key, (low, high) in expected.items():
        assert found[key][0] == pytest.approx(low, abs=1e-6)
        assert found[key][1] == pytest.approx(high, abs=1e-6)
