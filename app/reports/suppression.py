"""Small-number suppression: hide counts under a threshold, and any figure that would reveal them.

Rules (DOMAIN.md, "Privacy"):

* **Primary**: a count with ``0 < count < threshold`` is hidden and labelled "fewer than N".
* **Zeros are shown.** A zero is nobody's answer, and hiding zeros as well would make most small
  tables blank. So a reader knows that a hidden figure is at least 1. (When no pattern is safe, e.g.
  1 and 1 of a total under 3, the zeros of that line are hidden too: ``maybe_zero``.)
* **Secondary**: a figure hidden only so that totals cannot reveal a primary one. Its value is at
  least the threshold; it is labelled "not shown" (saying "fewer than 5" of it would be untrue).
* **No hidden figure can be worked out.** We assume the strongest reader: they know every shown
  figure, that a "fewer than N" figure is 1..N-1, that a "not shown" one is N or more, and every sum
  (row, column, grand total). A hidden figure is safe when at least two values fit all of that.

Why the check is exact: write a table with its totals as an (R+1) x (C+1) grid whose every line sums
to zero (negate the row and column totals). The difference between two tables that fit the published
figures is then a flow around cycles of hidden cells, and it splits into single cycles that each move
their cells the same way. So a hidden cell can take another value exactly when one cycle through it
can move by 1 within every cell's bounds: a path search in a small directed graph (``_can_move``).
tests/test_suppression_hypothesis.py checks this against an integer program (scipy's milp).

Percentages and differences are only given between shown figures (``percent``, ``difference``), so
they tell nothing that the shown counts do not. Threshold 2 is raised to 3: with zeros shown, "fewer
than 2" would mean exactly 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask_babel import gettext

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

#: an upper bound for "not shown" figures; far above any real count
UNBOUNDED = 10**9


def effective_threshold(threshold: int) -> int:
    """1 means no suppression; 2 becomes 3 (with zeros shown, "fewer than 2" would mean 1)."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    return 3 if threshold == 2 else threshold


@dataclass(frozen=True)
class Shown:
    """A published figure: its value, or None when it is hidden."""

    value: int | None
    threshold: int
    #: hidden only to protect another hidden figure (its value is at least the threshold)
    secondary: bool = False
    #: hidden in a line where zeros are hidden too (nothing else was safe), so it may be 0
    maybe_zero: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def label(self) -> str:
        if self.value is not None:
            return str(self.value)
        if self.secondary:
            return gettext("not shown")
        return gettext("fewer than %(n)s", n=self.threshold)

    def bounds(self) -> tuple[int, int]:
        """What a reader knows of the value: (lowest, highest)."""
        if self.value is not None:
            return self.value, self.value
        if self.secondary:
            return self.threshold, UNBOUNDED
        return (0 if self.maybe_zero else 1), self.threshold - 1


def percent(part: Shown, whole: Shown) -> int | None:
    """A whole-number percentage, only when both figures are shown (it then reveals nothing)."""
    if part.value is None or whole.value is None or whole.value == 0:
        return None
    return round(100 * part.value / whole.value)


def difference(now: Shown, before: Shown) -> int | None:
    """The change between two periods, only when both figures are shown."""
    if now.value is None or before.value is None:
        return None
    return now.value - before.value


@dataclass
class SuppressedCounts(Generic[K]):
    cells: dict[K, Shown]
    total: Shown


@dataclass
class SuppressedGrid(Generic[R, C]):
    """A 2-D table (e.g. service x answer) with its row, column and grand totals.

    ``withheld``: no safe pattern was found, so only the fixed column totals are published and the
    page says the breakdown cannot be shown (every cell is hidden, zeros too).
    """

    cells: dict[tuple[R, C], Shown]
    row_totals: dict[R, Shown]
    col_totals: dict[C, Shown]
    total: Shown
    withheld: bool = False
    rows: list[R] = field(default_factory=list)
    cols: list[C] = field(default_factory=list)


# -- the shared machinery: entries of a zero-sum grid --------------------------------------------


@dataclass
class _Entry:
    value: int  # the true value, in natural (not negated) terms
    sign: int  # +1 for a cell or the grand total, -1 for a row or column total
    hidden: bool = False
    secondary: bool = False
    fixed: bool = False  # its state comes from elsewhere and must not change
    maybe_zero: bool = False

    def room(self, threshold: int, step: int) -> bool:
        """Can the grid entry (value * sign) move by ``step`` and stay within what a reader knows?"""
        shown = Shown(None, threshold, self.secondary, self.maybe_zero)
        low, high = shown.bounds()
        new = self.value + step * self.sign
        return low <= new <= high


def _can_move(entries: dict[tuple[int, int], _Entry], key: tuple[int, int], threshold: int) -> bool:
    """Is there a cycle of hidden entries through ``key`` that can move by 1 (either way)?

    Nodes are grid rows ("r", i) and columns ("c", j). A hidden entry (i, j) that can go up is an
    arc row i -> column j; one that can go down is an arc column j -> row i. An alternating cycle is
    then a directed cycle.
    """
    arcs: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[int, int]]]] = {}
    for (i, j), entry in entries.items():
        if not entry.hidden:
            continue
        if entry.room(threshold, +1):
            arcs.setdefault(("r", i), []).append((("c", j), (i, j)))
        if entry.room(threshold, -1):
            arcs.setdefault(("c", j), []).append((("r", i), (i, j)))

    def reachable(start: tuple[str, int], goal: tuple[str, int]) -> bool:
        seen, stack = {start}, [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for nxt, via in arcs.get(node, []):
                if via != key and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    i, j = key
    entry = entries[key]
    return (entry.room(threshold, +1) and reachable(("c", j), ("r", i))) or (
        entry.room(threshold, -1) and reachable(("r", i), ("c", j))
    )


def _protect(entries: dict[tuple[int, int], _Entry], threshold: int) -> bool:
    """Hide more entries (smallest first, near the exposed one) until every hidden one is safe.

    Returns False when no pattern works (the caller then withholds the table).
    """
    while True:
        exposed = [k for k, e in entries.items() if e.hidden and not _can_move(entries, k, threshold)]
        if not exposed:
            return True
        key = exposed[0]
        spare = [k for k, e in entries.items() if not e.hidden and not e.fixed and e.value > 0]
        if not spare:
            return False
        near = [k for k in spare if k[0] == key[0] or k[1] == key[1]]

        choice = min(near or spare, key=lambda k, key=key: _rank(entries, k, key, threshold))
        entries[choice].hidden = entries[choice].secondary = True


def _rank(
    entries: dict[tuple[int, int], _Entry],
    candidate: tuple[int, int],
    exposed: tuple[int, int],
    threshold: int,
) -> tuple[bool, int]:
    """Candidates that make the exposed entry safe come first, then the smallest."""
    entry = entries[candidate]
    entry.hidden = entry.secondary = True
    safe = _can_move(entries, exposed, threshold)
    entry.hidden = entry.secondary = False
    return (not safe, entry.value)


def _primary(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _as_shown(entry: _Entry, threshold: int) -> Shown:
    if entry.hidden:
        return Shown(None, threshold, entry.secondary, entry.maybe_zero)
    return Shown(entry.value, threshold)


# -- 1-D: one line of counts and their total -------------------------------------------------------


def suppress_counts(counts: Mapping[K, int], threshold: int) -> SuppressedCounts[K]:
    """Suppress one line of counts (e.g. happy / OK / sad for one question) and its total.

    As a grid it is one line: the cells and the negated total sum to zero. A hidden entry can move
    when another hidden entry of the line can move the other way (``_Line.safe``). When nothing
    works, every non-zero figure is hidden, the total too: then only each figure's own range is known.
    """
    t = effective_threshold(threshold)
    keys = list(counts)
    total = sum(counts.values())
    if any(v < 0 for v in counts.values()):
        raise ValueError("counts cannot be negative")
    if t == 1:
        return SuppressedCounts({k: Shown(counts[k], t) for k in keys}, Shown(total, t))
    # cell k is entry (0, n); the total is entry (0, 0), negated
    entries: dict[tuple[int, int], _Entry] = {}
    for n, k in enumerate(keys, start=1):
        entries[(0, n)] = _Entry(counts[k], +1, hidden=_primary(counts[k], t))
    entries[(0, 0)] = _Entry(total, -1, hidden=_primary(total, t))
    line = _Line(entries)
    if not line.protect(t):
        # Nothing was safe (e.g. 1 and 1 of a total "fewer than 3"): hide the zeros too, so a
        # hidden figure may be 0 and no sum pins it down.
        for entry in entries.values():
            entry.maybe_zero = entry.value < t
            entry.hidden = True
            entry.secondary = entry.value >= t
    cells = {k: _as_shown(entries[(0, n)], t) for n, k in enumerate(keys, start=1)}
    return SuppressedCounts(cells, _as_shown(entries[(0, 0)], t))


class _Line:
    """A single line (sum of cells = total): a cycle is just two hidden entries moving together."""

    def __init__(self, entries: dict[tuple[int, int], _Entry]) -> None:
        self.entries = entries

    def safe(self, key: tuple[int, int], t: int) -> bool:
        entry = self.entries[key]
        for step in (+1, -1):
            if not entry.room(t, step):
                continue
            # the line sum stays zero when another entry moves by -step in grid terms
            if any(other.hidden and k != key and other.room(t, -step) for k, other in self.entries.items()):
                return True
        return False

    def protect(self, t: int) -> bool:
        while True:
            exposed = [k for k, e in self.entries.items() if e.hidden and not self.safe(k, t)]
            if not exposed:
                return True
            spare = [k for k, e in self.entries.items() if not e.hidden and e.value > 0]
            if not spare:
                return False
            # cells before the total: hiding the total hides the number of answers
            choice = min(spare, key=lambda k: (k == (0, 0), self.entries[k].value))
            self.entries[choice].hidden = self.entries[choice].secondary = True


# -- 2-D: a grid with row, column and grand totals -------------------------------------------------


def suppress_grid(
    counts: Mapping[tuple[R, C], int],
    rows: Sequence[R],
    cols: Sequence[C],
    threshold: int,
    fixed_cols: SuppressedCounts[C] | None = None,
) -> SuppressedGrid[R, C]:
    """Suppress a grid (e.g. service x answer) with its totals.

    ``fixed_cols``: the already published 1-D figures for the columns (e.g. the whole
    organisation's answers to the question). The grid's column and grand totals then keep exactly
    that state, so two breakdowns of the same question publish the same totals.
    """
    t = effective_threshold(threshold)
    values = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in cols}
    if any(v < 0 for v in values.values()):
        raise ValueError("counts cannot be negative")
    row_sum = {r: sum(values[(r, c)] for c in cols) for r in rows}
    col_sum = {c: sum(values[(r, c)] for r in rows) for c in cols}
    grand = sum(row_sum.values())
    if fixed_cols is not None:
        if any(
            fixed_cols.cells[c].value not in (None, col_sum[c]) for c in cols
        ) or fixed_cols.total.value not in (None, grand):
            raise ValueError("fixed column totals do not match the grid")
    if t == 1:
        return SuppressedGrid(
            {k: Shown(v, t) for k, v in values.items()},
            {r: Shown(row_sum[r], t) for r in rows},
            {c: Shown(col_sum[c], t) for c in cols},
            Shown(grand, t),
            rows=list(rows),
            cols=list(cols),
        )

    nr, nc = len(rows), len(cols)
    entries: dict[tuple[int, int], _Entry] = {}
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            entries[(i, j)] = _Entry(values[(r, c)], +1, hidden=_primary(values[(r, c)], t))
        entries[(i, nc)] = _Entry(row_sum[r], -1, hidden=_primary(row_sum[r], t))
    for j, c in enumerate(cols):
        entries[(nr, j)] = _fixed_or_new(col_sum[c], -1, t, fixed_cols.cells[c] if fixed_cols else None)
    entries[(nr, nc)] = _fixed_or_new(grand, +1, t, fixed_cols.total if fixed_cols else None)

    if _protect(entries, t):
        return SuppressedGrid(
            {(r, c): _as_shown(entries[(i, j)], t) for i, r in enumerate(rows) for j, c in enumerate(cols)},
            {r: _as_shown(entries[(i, nc)], t) for i, r in enumerate(rows)},
            {c: _as_shown(entries[(nr, j)], t) for j, c in enumerate(cols)},
            _as_shown(entries[(nr, nc)], t),
            rows=list(rows),
            cols=list(cols),
        )
    withheld = Shown(None, t, secondary=True)
    return SuppressedGrid(
        {(r, c): withheld for r in rows for c in cols},
        {r: withheld for r in rows},
        {c: _as_shown(entries[(nr, j)], t) for j, c in enumerate(cols)},
        _as_shown(entries[(nr, nc)], t),
        withheld=True,
        rows=list(rows),
        cols=list(cols),
    )


def _fixed_or_new(value: int, sign: int, t: int, fixed: Shown | None) -> _Entry:
    if fixed is None:
        return _Entry(value, sign, hidden=_primary(value, t))
    return _Entry(
        value, sign, hidden=fixed.hidden, secondary=fixed.secondary, fixed=True, maybe_zero=fixed.maybe_zero
    )
