"""Atomic file writes: a file is either fully written or left as it was, never half-written.

Everything is written to a temporary file in the target's folder (same file system), flushed to
disk, then renamed onto the target with :func:`os.replace`, which is atomic on POSIX and Windows.
On any failure the temporary file is removed and an :class:`OSError` (the subclass matching the
cause, e.g. :class:`FileNotFoundError`, :class:`PermissionError`) names the target and the reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

StrPath = str | os.PathLike[str]

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EISDIR: "it is a folder",
}


def _target(path: StrPath) -> Path:
    """The file to replace: a symlink's destination, so the link itself survives."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target


def _write_error(exc: OSError, target: Path) -> OSError:
    """An error of ``exc``'s kind naming ``target`` and the reason (not the temp file)."""
    if getattr(exc, "_names_target", False):
        return exc
    folder = target.parent
    if exc.errno == errno.ENOENT and not folder.is_dir():
        reason = f"the folder {folder} does not exist"
    elif exc.errno == errno.ENOTDIR:
        reason = f"{folder} is not a folder"
    else:
        reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    kind = type(OSError(exc.errno, "")) if exc.errno else OSError
    error = kind(f"cannot write {target}: {reason}")
    error.errno = exc.errno
    error._names_target = True  # type: ignore[attr-defined]
    return error


def _reserve_temp(target: Path) -> Path:
    """Create an empty, unique temporary file beside ``target`` (keeping its suffix, which writers
    such as ``np.savez`` care about) with the permissions a new file would get."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp{target.suffix}")
        try:
            os.close(os.open(temp, flags, 0o666))
            return temp
        except FileExistsError:
            continue


def _fsync(path: Path, directory: bool = False) -> None:
    """Flush a file (or a folder's entries) to disk; folders cannot be flushed everywhere."""
    try:
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    except OSError:
        if directory:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not directory:
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: StrPath) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``.

    For writers that want a file name (``np.savez``, image exporters)::

        with atomic_path("weights.npz") as temp:
            np.savez(temp, W1=W1)

    If the block raises, the temporary file is removed and the exception propagates (an
    :class:`OSError` is re-raised naming ``path``); ``path`` keeps its old content.
    """
    target = _target(path)
    try:
        temp = _reserve_temp(target)
    except OSError as exc:
        raise _write_error(exc, target) from exc
    try:
        yield temp
        _fsync(temp)
        with contextlib.suppress(OSError):  # keep the mode of a file being replaced
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.remove(temp)
        if isinstance(exc, OSError):
            raise _write_error(exc, target) from exc
        raise
    _fsync(target.parent, directory=True)


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring)."""
    with atomic_path(path) as temp, open(temp, "wb") as file:
        file.write(data)


def atomic_write_text(path: StrPath, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, encoded as given, without newline translation."""
    atomic_write_bytes(path, text.encode(encoding))
