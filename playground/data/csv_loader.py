"""Load a user's CSV file into features and encoded targets.

A header row names the columns; the target column(s) become the labels, the other (or the
listed) columns the features. Every error is one line naming the file, the 1-based line and
the column where that applies: ``bad.csv, line 7, column 'petal_width': 'abc' is not a number``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.data.encoding import one_hot
from playground.data.errors import DataError


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The rows of a CSV file, in file order, as network inputs and targets."""

    #: ``(m, n0)`` float64 feature columns (not standardized)
    x: np.ndarray
    #: ``(m, k)`` float64 targets: 0/1, one-hot, multi-hot or real
    y: np.ndarray
    #: ``"binary" | "multiclass" | "multilabel" | "regression"``
    problem: str
    feature_names: tuple[str, ...]
    #: sorted class names (multiclass) or the target column names
    target_names: tuple[str, ...]
    path: Path


@dataclass(frozen=True)
class _Grid:
    """The raw cells: header, rows of stripped strings, and each row's 1-based line number."""

    name: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1

    def where(self, i: int, column: str | None = None) -> str:
        place = f"{self.name}, line {self.lines[i]}"
        return place if column is None else f"{place}, column {column!r}"


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        raise DataError(f"{path.name}, line {line}: not UTF-8 text (byte 0x{byte:02x})") from None


def _read_grid(path: Path) -> _Grid:
    name = path.name
    text = _read_text(path)
    if not text.strip():
        raise DataError(f"{name}: the file is empty (expected a header row)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            cells = [c.strip() for c in row]
            if header is None:
                header, header_line = cells, reader.line_num
                _check_header(name, header, reader.line_num)
                continue
            if len(cells) != len(header):
                raise DataError(
                    f"{name}, line {reader.line_num}: {len(cells)} cells, expected {len(header)}"
                    " (one per header column)"
                )
            rows.append(cells)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(f"{name}, line {reader.line_num}: malformed CSV ({exc})") from None
    assert header is not None
    if not rows:
        raise DataError(f"{name}: only a header row, no data rows")
    if len(rows) < 2:
        raise DataError(f"{name}: {len(rows)} data row; at least 2 are needed")
    return _Grid(name, header, rows, lines, header_line)


def _check_header(name: str, header: list[str], line: int) -> None:
    seen: set[str] = set()
    for j, column in enumerate(header, start=1):
        if not column:
            raise DataError(f"{name}, line {line}: column {j} has an empty name in the header")
        if column in seen:
            raise DataError(f"{name}, line {line}, column {column!r}: duplicate column name")
        seen.add(column)


def _columns(grid: _Grid, target: Sequence[str], features: Sequence[str] | None) -> list[str]:
    """Check the target columns exist and return the feature column names."""
    existing = ", ".join(grid.header)
    line1 = f"{grid.name}, line {grid.header_line}"
    for t in target:
        if t not in grid.header:
            raise DataError(f"{line1}: target column {t!r} not found; columns: {existing}")
    if features is None:
        # every other numeric column (DESIGN.md): a column with no number in it at all (an id,
        # a name) is left out; a numeric column with a stray bad cell still fails, naming it
        chosen = [c for j, c in enumerate(grid.header) if c not in target and not _is_text(grid, j)]
    else:
        chosen = list(features)
        for f in chosen:
            if f not in grid.header:
                raise DataError(f"{line1}: feature column {f!r} not found; columns: {existing}")
            if f in target:
                raise DataError(f"{line1}, column {f!r}: listed both as a feature and a target")
    if not chosen:
        raise DataError(f"{grid.name}: no feature columns left besides the target")
    return chosen


def _is_text(grid: _Grid, j: int) -> bool:
    """True when no cell of column j reads as a number."""
    for row in grid.rows:
        try:
            float(row[j])
        except ValueError:
            continue
        return False
    return True


def _cell(grid: _Grid, i: int, column: str, j: int) -> str:
    value = grid.rows[i][j]
    if not value:
        raise DataError(f"{grid.where(i, column)}: empty cell")
    return value


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric_column(grid: _Grid, column: str, hint: str = "") -> np.ndarray:
    """The column as finite float64 values; errors name the line of the first bad cell."""
    j = grid.header.index(column)
    out = np.empty(len(grid.rows), dtype=np.float64)
    for i in range(len(grid.rows)):
        text = _cell(grid, i, column, j)
        value = _as_number(text)
        if value is None:
            raise DataError(f"{grid.where(i, column)}: {text!r} is not a number{hint}")
        if not math.isfinite(value):
            raise DataError(f"{grid.where(i, column)}: {text!r} is not a finite number")
        out[i] = value
    return out


def _encode_targets(grid: _Grid, target: Sequence[str]) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Targets ``(m, k)``, the problem type, and one name per output column."""
    if len(target) == 1:
        column = target[0]
        j = grid.header.index(column)
        cells = [_cell(grid, i, column, j) for i in range(len(grid.rows))]
        if any(_as_number(c) is None for c in cells):
            classes = sorted(set(cells))
            if len(classes) < 2:
                raise DataError(
                    f"{grid.name}, column {column!r}: only one class ({classes[0]!r});"
                    " a class target needs at least 2"
                )
            index = {c: n for n, c in enumerate(classes)}
            y = one_hot(np.array([index[c] for c in cells], dtype=np.int64), len(classes))
            return y, "multiclass", tuple(classes)
    hint = " (a list of target columns must hold 0/1 labels or real values)"
    y = np.column_stack([_numeric_column(grid, c, hint if len(target) > 1 else "") for c in target])
    zero_one = bool(np.all((y == 0.0) | (y == 1.0)))
    if len(target) == 1:
        return y, "binary" if zero_one else "regression", tuple(target)
    return y, "multilabel" if zero_one else "regression", tuple(target)


def load_csv(
    path: str | Path, target: str | Sequence[str], features: Sequence[str] | None = None
) -> CsvTable:
    """Read a CSV file with a header row into features and encoded targets.

    Target rules: one column of class names (any non-numeric cell) → one-hot, multiclass, classes
    sorted by name; one numeric column of only 0/1 → binary; any other numeric column →
    regression; several columns all 0/1 → multilabel; several numeric columns → regression with
    several outputs.

    Args:
        path: the CSV file (UTF-8, a BOM is allowed).
        target: the target column name, or a list of names.
        features: columns to use as inputs, in this order (default: every non-target column
            that holds numbers; columns without a single number, such as ids, are left out).

    Raises:
        DataError: naming the file, the 1-based line and the column where that applies.
    """
    path = Path(path)
    targets = (target,) if isinstance(target, str) else tuple(target)
    if not targets:
        raise DataError(f"{path.name}: no target column given")
    grid = _read_grid(path)
    columns = _columns(grid, targets, features)
    y, problem, target_names = _encode_targets(grid, targets)
    x = np.column_stack([_numeric_column(grid, c) for c in columns])
    return CsvTable(x, y, problem, tuple(columns), target_names, path)
