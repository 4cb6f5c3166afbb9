"""The one exception type of ``playground.data``."""

from __future__ import annotations


class DataError(ValueError):
    """A data set cannot be built from the given configuration or file.

    The message is one line and names where the problem is: a key path of the experiment file
    (``data.classes: 9 is outside 2..8``) or a file with its 1-based line number and column name
    (``bad.csv, line 7, column 'petal_width': 'abc' is not a number``).
    """


def key_error(key: str, message: str) -> DataError:
    """A :class:`DataError` about the key ``data.<key>``."""
    return DataError(f"data.{key}: {message}")
