"""CSV loading: target encodings and one clear error per kind of broken file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from playground.data import DataError, load_csv


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


GOOD = "a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,emu\n"


def test_class_names_become_sorted_one_hot(tmp_path: Path) -> None:
    t = load_csv(write(tmp_path, GOOD), "label")
    assert t.problem == "multiclass"
    assert t.target_names == ("cat", "dog", "emu")
    assert t.feature_names == ("a", "b")
    np.testing.assert_array_equal(t.x, [[1, 2], [3, 4], [5, 6], [7, 8]])
    np.testing.assert_array_equal(t.y, [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]])
    assert t.x.dtype == np.float64 and t.y.dtype == np.float64


def test_zero_one_column_is_binary(tmp_path: Path) -> None:
    t = load_csv(write(tmp_path, "x,y\n0.5,1\n-1,0\n2,1.0\n"), "y")
    assert t.problem == "binary" and t.target_names == ("y",)
    np.testing.assert_array_equal(t.y, [[1], [0], [1]])


def test_other_numbers_are_regression(tmp_path: Path) -> None:
    t = load_csv(write(tmp_path, "x,y\n1,0.25\n2,3\n3,-7e2\n"), "y")
    assert t.problem == "regression"
    np.testing.assert_array_equal(t.y, [[0.25], [3.0], [-700.0]])


def test_several_zero_one_targets_are_multilabel(tmp_path: Path) -> None:
    t = load_csv(write(tmp_path, "p,q,x,r\n1,0,0.1,1\n0,0,0.2,1\n1,1,0.3,0\n"), ["p", "r"])
    assert t.problem == "multilabel" and t.target_names == ("p", "r")
    assert t.feature_names == ("q", "x")
    np.testing.assert_array_equal(t.y, [[1, 1], [0, 1], [1, 0]])


def test_several_numeric_targets_are_multi_output_regression(tmp_path: Path) -> None:
    t = load_csv(write(tmp_path, "x,u,v\n1,0.5,2\n2,1,3\n"), ["u", "v"])
    assert t.problem == "regression" and t.y.shape == (2, 2)


def test_feature_list_selects_and_orders_columns(tmp_path: Path) -> None:
    t = load_csv(write(tmp_path, GOOD), "label", features=["b"])
    assert t.feature_names == ("b",)
    np.testing.assert_array_equal(t.x[:, 0], [2, 4, 6, 8])
    t = load_csv(write(tmp_path, GOOD), "label", features=["b", "a"])
    np.testing.assert_array_equal(t.x[0], [2, 1])


def test_bom_quotes_whitespace_crlf_and_blank_lines_are_fine(tmp_path: Path) -> None:
    text = '\ufeff"a", b ,label\r\n 1 ,"2",cat\r\n\r\n3,4, dog\r\n\n'
    t = load_csv(write(tmp_path, text), "label")
    assert t.feature_names == ("a", "b") and t.target_names == ("cat", "dog")
    np.testing.assert_array_equal(t.x, [[1, 2], [3, 4]])


def error(tmp_path: Path, text: str | bytes, target="label", features=None, name="bad.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(DataError) as info:
        load_csv(path, target, features)
    message = str(info.value)
    assert "\n" not in message
    assert name in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nowhere\.csv: no such file"):
        load_csv(tmp_path / "nowhere.csv", "y")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(DataError, match=r"dir\.csv: is a folder"):
        load_csv(tmp_path / "dir.csv", "y")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    message = error(tmp_path, b"a,label\n1,x\n2,caf\xe9\n")
    assert "line 3" in message and "UTF-8" in message


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in error(tmp_path, "")
    assert "empty" in error(tmp_path, " \n\n")


def test_header_only(tmp_path: Path) -> None:
    assert "no data rows" in error(tmp_path, "a,label\n")


def test_single_row(tmp_path: Path) -> None:
    assert "at least 2" in error(tmp_path, "a,label\n1,x\n")


def test_duplicate_column_names(tmp_path: Path) -> None:
    message = error(tmp_path, "a,b,a,label\n1,2,3,x\n")
    assert "line 1" in message and "column 'a'" in message and "duplicate" in message


def test_empty_column_name(tmp_path: Path) -> None:
    message = error(tmp_path, "a,,label\n1,2,x\n3,4,y\n")
    assert "line 1" in message and "column 2" in message


def test_ragged_row(tmp_path: Path) -> None:
    message = error(tmp_path, "a,b,label\n1,2,x\n3,4,y\n5,6\n")
    assert "line 4" in message and "2 cells, expected 3" in message


def test_empty_cell(tmp_path: Path) -> None:
    message = error(tmp_path, "a,b,label\n1,2,x\n3,,y\n")
    assert "line 3" in message and "column 'b'" in message and "empty cell" in message


def test_empty_target_cell(tmp_path: Path) -> None:
    message = error(tmp_path, "a,label\n1,x\n2,\n3,y\n")
    assert "line 3" in message and "column 'label'" in message


def test_non_numeric_feature_cell(tmp_path: Path) -> None:
    text = "sepal,petal_width,label\n" + "1,2,x\n" * 5 + "1,abc,y\n"
    message = error(tmp_path, text)
    assert message == "bad.csv, line 7, column 'petal_width': 'abc' is not a number"


@pytest.mark.parametrize("cell", ["nan", "inf", "-Infinity", "NaN"])
def test_non_finite_feature_cell(tmp_path: Path, cell: str) -> None:
    message = error(tmp_path, f"a,b,label\n1,2,x\n3,{cell},y\n")
    assert "line 3" in message and "column 'b'" in message and "finite" in message


def test_non_finite_numeric_target(tmp_path: Path) -> None:
    message = error(tmp_path, "a,y\n1,0.5\n2,inf\n", target="y")
    assert "line 3" in message and "column 'y'" in message


def test_non_numeric_cell_in_a_target_list(tmp_path: Path) -> None:
    message = error(tmp_path, "a,p,q\n1,0,1\n2,1,yes\n", target=["p", "q"])
    assert "line 3" in message and "column 'q'" in message and "not a number" in message


def test_target_column_absent_lists_the_columns(tmp_path: Path) -> None:
    message = error(tmp_path, "a,b,label\n1,2,x\n3,4,y\n", target="species")
    assert "'species' not found" in message and "columns: a, b, label" in message


def test_feature_column_absent(tmp_path: Path) -> None:
    message = error(tmp_path, "a,b,label\n1,2,x\n3,4,y\n", features=["a", "c"])
    assert "feature column 'c' not found" in message and "columns: a, b, label" in message


def test_feature_that_is_the_target(tmp_path: Path) -> None:
    message = error(tmp_path, "a,b,label\n1,2,x\n3,4,y\n", features=["a", "label"])
    assert "column 'label'" in message


def test_class_target_with_one_class(tmp_path: Path) -> None:
    message = error(tmp_path, "a,label\n1,x\n2,x\n")
    assert "column 'label'" in message and "only one class" in message


def test_no_feature_columns_left(tmp_path: Path) -> None:
    assert "no feature columns" in error(tmp_path, "label\nx\ny\n")


def test_malformed_quoting(tmp_path: Path) -> None:
    message = error(tmp_path, 'a,label\n1,x\n2,"y"z"\n', target="label")
    assert "line" in message


def test_unterminated_quote(tmp_path: Path) -> None:
    message = error(tmp_path, 'a,label\n1,x\n2,"y\n3,z\n', target="label")
    assert "line" in message and "malformed" in message


def test_columns_without_numbers_are_left_out_but_a_stray_bad_cell_still_fails(
    tmp_path: Path,
) -> None:
    # an id column holds no number at all: it is not a feature (DESIGN: "the other numeric columns")
    path = tmp_path / "ids.csv"
    path.write_text("id,x1,x2,y\nrow0,1,2,0\nrow1,3,4,1\nrow2,5,6,1\n", encoding="utf-8")
    table = load_csv(path, "y")
    assert table.feature_names == ("x1", "x2")
    assert table.x.tolist() == [[1, 2], [3, 4], [5, 6]]
    # a numeric column with one bad cell is an error that names it
    bad = tmp_path / "typo.csv"
    bad.write_text("x1,x2,y\n1,2,0\n3,oops,1\n5,6,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"typo.csv, line 3, column 'x2'"):
        load_csv(bad, "y")
    # an explicitly listed text column is an error, not silently dropped
    with pytest.raises(DataError, match="column 'id'"):
        load_csv(path, "y", features=["id", "x1"])
