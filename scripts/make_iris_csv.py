"""Regenerate ``resources/iris.csv`` from scikit-learn's bundled copy of Fisher's iris data.

Usage::

    .venv/bin/pip download scikit-learn --no-deps -d /tmp/skl
    .venv/bin/python scripts/make_iris_csv.py /tmp/skl/scikit_learn-*.whl [resources/iris.csv]

scikit-learn ships ``sklearn/datasets/data/iris.csv``: a first line
``150,4,setosa,versicolor,virginica`` (rows, features, class names) and then one row per flower
with four measurements in cm and a numeric class code. This script reads that file straight out
of the wheel (a zip archive, so scikit-learn need not be installed), maps the codes to the class
names and writes a CSV with a named header, keeping the numbers exactly as written.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

MEMBER = "sklearn/datasets/data/iris.csv"
HEADER = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "resources" / "iris.csv"


def read_sklearn_iris(wheel: Path) -> list[list[str]]:
    """Rows ``[sepal_length, sepal_width, petal_length, petal_width, species]`` from the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(MEMBER).decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    n_rows, n_features, *names = lines[0]
    if int(n_features) != 4:
        raise ValueError(f"{MEMBER}: expected 4 features, the first line says {n_features}")
    rows = []
    for cells in lines[1:]:
        if not cells:
            continue
        *measures, code = cells
        for value in measures:
            float(value)  # every measurement must be a number
        rows.append([*measures, names[int(code)]])
    if len(rows) != int(n_rows):
        raise ValueError(f"{MEMBER}: {len(rows)} rows, the first line says {n_rows}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Write the iris CSV; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="a scikit-learn wheel (.whl)")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT, help="output CSV")
    args = parser.parse_args(argv)
    rows = read_sklearn_iris(args.wheel)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
