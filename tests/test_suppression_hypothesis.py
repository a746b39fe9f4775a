"""Proof by search: for random small tables, no published figure lets a reader work out a hidden one.

The reader is as strong as we can make them: they know every shown figure, that "fewer than N" is
1..N-1, that "not shown" is N or more, and every total. For each hidden figure an integer program
(scipy.optimize.milp) finds its lowest and highest possible value; they must differ.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from app.reports.suppression import (
    Shown,
    difference,
    percent,
    suppress_counts,
    suppress_grid,
)

CAP = 10**6  # the "unbounded" top for a hidden figure, small enough for the solver

thresholds = st.sampled_from([2, 3, 5, 10])
small_counts = st.integers(min_value=0, max_value=14)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_range(
    n_vars: int,
    rows: list[tuple[dict[int, int], int]],
    lows: list[int],
    highs: list[int],
    target: dict[int, int],
) -> tuple[int, int]:
    """Lowest and highest of sum(target[v] * x[v]) with every row sum(coef * x) == rhs."""
    c = np.zeros(n_vars)
    for var, coef in target.items():
        c[var] = coef
    constraints = []
    if rows:
        matrix = np.zeros((len(rows), n_vars))
        rhs = np.zeros(len(rows))
        for n, (coefs, value) in enumerate(rows):
            for var, coef in coefs.items():
                matrix[n, var] += coef
            rhs[n] = value
        constraints = [LinearConstraint(matrix, rhs, rhs)]
    bounds = Bounds(np.array(lows, dtype=float), np.array(highs, dtype=float))
    ends = []
    for sign in (1, -1):
        result = milp(sign * c, integrality=np.ones(n_vars), bounds=bounds, constraints=constraints)
        assert result.success, result.message
        ends.append(round(sign * result.fun))
    return ends[0], ends[1]


def published_bounds(shown: Shown) -> tuple[int, int]:
    low, high = shown.bounds()
    return low, min(high, CAP)


def assert_published_values_safe(figures: list[Shown], threshold: int) -> None:
    for figure in figures:
        if figure.value is not None:
            assert (
                figure.value == 0
                or figure.value >= figure.threshold >= min(threshold, 3)
                or figure.threshold == 1
            )


class LineSystem:
    """Figures that sum to zero along lines, some known and some unknown (the reader's view)."""

    def __init__(self) -> None:
        self.vars: dict[object, int] = {}
        self.lows: list[int] = []
        self.highs: list[int] = []
        self.rows: list[tuple[dict[int, int], int]] = []

    def var(self, key: object, shown: Shown) -> int:
        if key not in self.vars:
            self.vars[key] = len(self.lows)
            low, high = published_bounds(shown)
            self.lows.append(low)
            self.highs.append(high)
        return self.vars[key]

    def line(self, terms: list[tuple[object, Shown, int]]) -> None:
        """sum(sign * figure) == 0, with shown figures moved to the right-hand side."""
        coefs: dict[int, int] = {}
        rhs = 0
        for key, shown, sign in terms:
            if shown.value is None:
                var = self.var(key, shown)
                coefs[var] = coefs.get(var, 0) + sign
            else:
                rhs -= sign * shown.value
        if coefs:
            self.rows.append((coefs, rhs))

    def assert_all_hidden_ambiguous(self) -> None:
        for key, var in self.vars.items():
            low, high = value_range(len(self.lows), self.rows, self.lows, self.highs, {var: 1})
            assert low < high, f"hidden figure {key} can be worked out: it is {low}"


@SETTINGS
@given(st.lists(small_counts, min_size=1, max_size=6), thresholds)
def test_counts_hide_small_numbers_and_cannot_be_worked_out(values: list[int], threshold: int) -> None:
    counts = {f"option{n}": v for n, v in enumerate(values)}
    result = suppress_counts(counts, threshold)
    figures = [*result.cells.values(), result.total]
    assert_published_values_safe(figures, threshold)
    for key, shown in result.cells.items():
        assert shown.value in (None, counts[key])
        if 0 < counts[key] < threshold:
            assert shown.hidden
    assert result.total.value in (None, sum(values))
    system = LineSystem()
    system.line([(k, s, +1) for k, s in result.cells.items()] + [("total", result.total, -1)])
    for k, s in result.cells.items():  # hidden cells the line never mentions still need bounds
        if s.hidden:
            system.var(k, s)
    system.assert_all_hidden_ambiguous()


@st.composite
def grids(draw: st.DrawFn) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    rows = [f"s{n}" for n in range(draw(st.integers(1, 4)))]
    cols = [f"o{n}" for n in range(draw(st.integers(1, 4)))]
    counts = {(r, c): draw(small_counts) for r in rows for c in cols}
    return rows, cols, counts


def grid_system(grid, rows: list[str], cols: list[str]) -> LineSystem:  # type: ignore[no-untyped-def]
    system = LineSystem()
    for r in rows:
        system.line([((r, c), grid.cells[(r, c)], +1) for c in cols] + [(("row", r), grid.row_totals[r], -1)])
    for c in cols:
        system.line([((r, c), grid.cells[(r, c)], +1) for r in rows] + [(("col", c), grid.col_totals[c], -1)])
    system.line([(("row", r), grid.row_totals[r], +1) for r in rows] + [("total", grid.total, -1)])
    system.line([(("col", c), grid.col_totals[c], +1) for c in cols] + [("total", grid.total, -1)])
    return system


@SETTINGS
@given(grids(), thresholds, st.booleans())
def test_grid_hides_small_numbers_and_no_hidden_cell_can_be_worked_out(
    grid_data, threshold: int, fixed: bool
) -> None:
    rows, cols, counts = grid_data
    col_counts = {c: sum(counts[(r, c)] for r in rows) for c in cols}
    fixed_cols = suppress_counts(col_counts, threshold) if fixed else None
    grid = suppress_grid(counts, rows, cols, threshold, fixed_cols=fixed_cols)
    if fixed_cols is not None:  # both breakdowns publish the very same totals
        assert grid.col_totals == fixed_cols.cells and grid.total == fixed_cols.total
    if grid.withheld:
        assert all(s.hidden for s in grid.cells.values())
        assert all(s.hidden for s in grid.row_totals.values())
        return
    figures = [*grid.cells.values(), *grid.row_totals.values(), *grid.col_totals.values(), grid.total]
    assert_published_values_safe(figures, threshold)
    for key, shown in grid.cells.items():
        assert shown.value in (None, counts[key])
        if 0 < counts[key] < threshold:
            assert shown.hidden
    grid_system(grid, rows, cols).assert_all_hidden_ambiguous()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3), st.integers(2, 3), st.integers(2, 3), st.data(), thresholds)
def test_two_breakdowns_of_one_question_together_reveal_no_hidden_cell(
    n_services: int, n_helped: int, n_options: int, data: st.DataObject, threshold: int
) -> None:
    """The dashboard shows a question by service and by who answered; a reader may combine both."""
    services = [f"s{n}" for n in range(n_services)]
    helped = [f"h{n}" for n in range(n_helped)]
    options = [f"o{n}" for n in range(n_options)]
    cube = {(s, h, o): data.draw(st.integers(0, 8)) for s in services for h in helped for o in options}
    by_service = {(s, o): sum(cube[(s, h, o)] for h in helped) for s in services for o in options}
    by_helped = {(h, o): sum(cube[(s, h, o)] for s in services) for h in helped for o in options}
    overall = suppress_counts({o: sum(by_service[(s, o)] for s in services) for o in options}, threshold)
    grid_s = suppress_grid(by_service, services, options, threshold, fixed_cols=overall)
    grid_h = suppress_grid(by_helped, helped, options, threshold, fixed_cols=overall)

    # The reader's unknowns are the cube's cells; each published figure is a sum of them.
    cube_vars = {key: n for n, key in enumerate(cube)}
    rows: list[tuple[dict[int, int], int]] = []
    lows, highs = [0] * len(cube), [CAP] * len(cube)
    extra: list[tuple[dict[int, int], Shown]] = []  # hidden figures, as sums over the cube

    def publish(terms: list[tuple[str, str, str]], shown: Shown) -> None:
        coefs = {cube_vars[t]: 1 for t in terms}
        if shown.value is not None:
            rows.append((coefs, shown.value))
        else:
            extra.append((coefs, shown))

    def cells_where(pred) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
        return [k for k in cube if pred(k)]

    for grid, axis, labels in ((grid_s, 0, services), (grid_h, 1, helped)):
        if grid.withheld:
            continue
        for r in labels:
            for o in options:
                publish(cells_where(lambda k, r=r, o=o, a=axis: k[a] == r and k[2] == o), grid.cells[(r, o)])
            publish(cells_where(lambda k, r=r, a=axis: k[a] == r), grid.row_totals[r])
    for o in options:
        publish(cells_where(lambda k, o=o: k[2] == o), overall.cells[o])
    publish(list(cube), overall.total)

    # A hidden figure's own published range ("fewer than 5", "not shown") is a constraint too:
    # add it as a slack variable equal to the sum.
    n_vars = len(cube)
    for coefs, shown in extra:
        low, high = published_bounds(shown)
        lows.append(low)
        highs.append(high)
        rows.append(({**coefs, n_vars: -1}, 0))
        n_vars += 1
    for coefs, shown in extra:
        low, high = value_range(n_vars, rows, lows, highs, coefs)
        assert low < high, f"a hidden figure {shown} can be worked out from both breakdowns: {low}"


def test_zeros_are_shown_and_labels_are_honest() -> None:
    result = suppress_counts({"happy": 12, "ok": 3, "sad": 0}, 5)
    assert result.cells["sad"].label == "0"
    assert result.cells["ok"].label == "fewer than 5"
    # one hidden cell beside a shown total would be total - the rest: a second one is hidden
    assert result.cells["happy"].hidden and result.cells["happy"].secondary
    assert result.cells["happy"].label == "not shown"
    assert result.total.label == "15"


def test_a_small_total_hides_every_cell() -> None:
    result = suppress_counts({"happy": 3, "ok": 1, "sad": 0}, 5)
    assert result.total.hidden and result.cells["happy"].hidden and result.cells["ok"].hidden


def test_threshold_one_hides_nothing_and_two_means_three() -> None:
    assert not suppress_counts({"a": 1, "b": 1}, 1).cells["a"].hidden
    assert suppress_counts({"a": 2, "b": 9}, 2).cells["a"].label == "fewer than 3"


def test_percentages_and_differences_only_between_shown_figures() -> None:
    result = suppress_counts({"happy": 12, "ok": 3, "sad": 10}, 5)
    assert percent(result.cells["happy"], result.total) == 48
    assert percent(result.cells["ok"], result.total) is None
    assert percent(result.cells["sad"], result.total) is None  # hidden to protect "ok"
    assert difference(result.cells["happy"], Shown(None, 5)) is None
    assert difference(result.cells["happy"], Shown(7, 5)) == 5


def test_grid_cells_must_match_fixed_totals() -> None:
    with pytest.raises(ValueError):
        suppress_grid({("a", "x"): 7}, ["a"], ["x"], 5, fixed_cols=suppress_counts({"x": 8}, 5))
