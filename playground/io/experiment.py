"""Reading and writing experiment files (DESIGN.md, "Experiment file"); the rules are in schema.py.

A file is UTF-8 JSON. In memory, ``data.path`` of a CSV experiment is an absolute path (or relative
to the working directory); in a file it is relative to the file's folder whenever it can be, so a
folder holding an experiment and its data can be moved as a whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from playground.io.atomic import StrPath, atomic_write_text
from playground.io.schema import ExperimentError, validate_experiment
from playground.resources import resource_path

#: objects whose values are all scalars are written on one line when they fit in this width
_LINE_WIDTH = 100


def _scalar(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _is_flat(value: object) -> bool:
    items = value.values() if isinstance(value, Mapping) else value
    return not any(isinstance(item, Mapping | list) for item in items)  # type: ignore[union-attr]


def _encode(value: object, indent: int) -> str:
    """JSON with 2-space indentation; lists of numbers (weight rows, vectors) and small flat objects
    (a layer, the optimizer) stay on one line."""
    if isinstance(value, list) and all(type(item) is float for item in value):
        return "[" + ", ".join(map(float.__repr__, value)) + "]"  # json's own float format
    if isinstance(value, Mapping):
        items = [f"{_scalar(key)}: {_encode(item, indent + 2)}" for key, item in value.items()]
        if not items or _is_flat(value):
            inline = "{" + ", ".join(items) + "}"
            if indent + len(inline) <= _LINE_WIDTH - 20:
                return inline
    elif isinstance(value, list):
        items = [_encode(item, indent + 2) for item in value]
        if _is_flat(value):
            return "[" + ", ".join(items) + "]"
    else:
        return _scalar(value)
    pad = " " * (indent + 2)
    body = ",\n".join(pad + item for item in items)
    opening, closing = ("{", "}") if isinstance(value, Mapping) else ("[", "]")
    return f"{opening}\n{body}\n{' ' * indent}{closing}"


def _to_json(normalized: Mapping[str, Any]) -> str:
    return _encode(normalized, 0) + "\n"


def experiment_to_json(exp: Mapping[str, Any]) -> str:
    """The normalized experiment as the text of a file (indent 2, UTF-8 characters kept, one
    weight row per line, trailing newline). ``data.path`` is written as it is in ``exp``.

    Raises:
        ExperimentError: ``exp`` is not a valid experiment.
    """
    return _to_json(validate_experiment(exp))


#: (leading bytes, what a file starting with them is) for files people open by mistake
_MAGIC = (
    (b"PK\x03\x04", "a weights file (.npz, a zip archive)"),
    (b"PK\x05\x06", "a weights file (.npz, a zip archive)"),
    (b"\x93NUMPY", "a NumPy array file (.npy)"),
    (b"\x89PNG", "a PNG image"),
)


def _binary_kind(raw: bytes) -> str | None:
    """What a binary file looks like ("a weights file (.npz …)", "binary data"), None for text."""
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    return "binary data" if b"\x00" in raw[:4096] else None


def _parse(raw: bytes, name: str) -> object:
    """Decode and parse a file's bytes; problems name the file (and line/column)."""
    kind = _binary_kind(raw)
    if kind is not None:
        hint = " (export it with `playground export`)" if kind.startswith("a weights") else ""
        reason = f"this looks like {kind}, not an experiment JSON file{hint}"
        raise ExperimentError("", reason, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        where = f"line {line}, column {column}: byte 0x{raw[exc.start]:02x}"
        raise ExperimentError("", f"not UTF-8 text ({where})", name) from None

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ExperimentError("", f"key {key!r} appears twice in one object", name)
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=unique_keys)
    except ExperimentError:
        raise
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise ExperimentError("", f"not valid JSON ({where})", name) from None
    except RecursionError:
        raise ExperimentError("", "not valid JSON (nested too deeply)", name) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise ExperimentError("", f"not valid JSON ({exc})", name) from None


def _read(path: StrPath, name: str) -> bytes:
    if os.path.isdir(path):
        raise ExperimentError("", "is a folder, not an experiment file", name)
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise ExperimentError("", "no such file", name) from None
    except PermissionError:
        raise ExperimentError("", "cannot read the file (permission denied)", name) from None
    except OSError as exc:
        raise ExperimentError("", f"cannot read the file ({exc.strerror or exc})", name) from None


def load_experiment(path: StrPath) -> dict[str, Any]:
    """Read, check and normalize an experiment file.

    A relative ``data.path`` is resolved against the file's folder (``~`` is expanded, as
    ``playground.data`` does) and returned absolute.

    Raises:
        ExperimentError: the file is missing, unreadable, not UTF-8 JSON, or breaks the rules; the
            message starts with the file name as given.
    """
    name = os.fspath(path)
    obj = _parse(_read(path, name), name)
    try:
        exp = validate_experiment(obj)
    except ExperimentError as exc:
        raise exc.in_file(name) from None
    return resolve_data_path(exp, path)


def resolve_data_path(exp: dict[str, Any], file: StrPath) -> dict[str, Any]:
    """``exp`` (changed in place and returned) with a relative ``data.path`` made absolute against
    the folder of ``file``, the file the experiment was read from (``~`` is expanded)."""
    data = exp["data"]
    if "path" in data:
        folder = os.path.dirname(os.path.abspath(file))
        data["path"] = os.path.normpath(os.path.join(folder, os.path.expanduser(data["path"])))
    return exp


def relative_data_path(exp: Mapping[str, Any], file: StrPath) -> dict[str, Any]:
    """A copy of ``exp`` whose ``data.path`` (if any) is relative to the folder of ``file``, the
    file it is about to be written into, so that the folder can be moved with its data."""
    out = dict(exp)
    data = out.get("data")
    if isinstance(data, Mapping) and "path" in data:
        folder = os.path.dirname(os.path.abspath(file))
        out["data"] = {**data, "path": _relative_to(str(data["path"]), folder)}
    return out


def _relative_to(data_path: str, folder: str) -> str:
    """``data_path`` (absolute, ``~/…``, or relative to the working directory) seen from ``folder``:
    relative (with ``/``) when there is a relative path, e.g. on the same drive; else absolute."""
    absolute = os.path.abspath(os.path.expanduser(data_path))
    try:
        return Path(os.path.relpath(absolute, os.path.abspath(folder))).as_posix()
    except ValueError:  # Windows: another drive
        return absolute


def save_experiment(exp: Mapping[str, Any], path: StrPath) -> None:
    """Check ``exp`` and write it atomically to ``path`` (``data.path`` relative to its folder).

    Raises:
        ExperimentError: ``exp`` is not a valid experiment (nothing is written).
        OSError: the file cannot be written; the message names ``path`` and the reason, and
            any previous file at ``path`` is left as it was.
    """
    atomic_write_text(path, experiment_file_text(exp, path))


def experiment_file_text(exp: Mapping[str, Any], path: StrPath) -> str:
    """The text :func:`save_experiment` writes to ``path`` (``data.path`` relative to its folder),
    for writers that put it into a file of their own (e.g. one of several written together).

    Raises:
        ExperimentError: ``exp`` is not a valid experiment.
    """
    return _to_json(relative_data_path(validate_experiment(exp), path))


def default_experiment() -> dict[str, Any]:
    """The bundled experiment the app opens on (``resources/presets/default.json``), a new dict."""
    return load_experiment(resource_path("presets", "default.json"))
