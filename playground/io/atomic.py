"""Atomic file writes: a file is either fully written or left as it was, never half-written.

Everything is written to a temporary file in the target's folder (same file system), flushed to
disk, then renamed onto the target with :func:`os.replace`, which is atomic on POSIX and Windows.
On any failure the temporary file is removed and an :class:`OSError` (the subclass matching the
cause, e.g. :class:`FileNotFoundError`, :class:`PermissionError`) names the target and the reason —
never the temporary file.

Several files that belong together (a run's ``experiment.json``, ``weights.npz`` and
``metrics.csv``; a script and its weights; a whole export folder) are written with
:func:`atomic_files`: every file goes to its temporary name first, and only when all of them are
complete are they renamed into place, so a failure leaves none of them behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

StrPath = str | os.PathLike[str]

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the file is too large for the device or the file size limit",
    errno.EISDIR: "it is a folder",
}


def _target(path: StrPath) -> Path:
    """The file to replace: a symlink's destination, so the link itself survives."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target


def _named(kind: type[OSError], code: int | None, message: str) -> OSError:
    """An ``OSError`` of ``kind`` whose text is ``message`` (marked as naming its target)."""
    error = kind(message)
    error.errno = code
    error._names_target = True  # type: ignore[attr-defined]
    return error


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
    return _named(kind, exc.errno, f"cannot write {target}: {reason}")


def _retarget(exc: BaseException, temp: Path, target: Path) -> BaseException:
    """``exc`` with the temporary folder ``temp`` replaced by ``target`` in its message, so that
    it names the file the user asked for (same type; ``exc`` itself when nothing changes)."""
    if isinstance(exc, OSError) and not getattr(exc, "_names_target", False):
        name = os.fspath(exc.filename) if exc.filename is not None else ""
        if isinstance(name, str) and name.startswith(str(temp)):
            return _write_error(exc, Path(str(target) + name[len(str(temp)) :]))
    text = str(exc)
    if str(temp) not in text:
        return exc
    text = text.replace(str(temp), str(target))
    if isinstance(exc, OSError):
        return _named(type(exc), exc.errno, text)
    try:
        return type(exc)(text)
    except Exception:  # an exception type that wants other arguments: keep it as it is
        return exc


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


def _backup(dest: Path) -> Path | None:
    """A hard link to the file at ``dest`` (so a failed batch can put it back), or None when
    there is no file there or the file system cannot link."""
    if not dest.is_file():
        return None
    while True:
        backup = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.bak")
        try:
            os.link(dest, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:
            return None


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


class AtomicBatch:
    """Files and folders written together (see :func:`atomic_files`)."""

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._folders: list[tuple[Path, Path]] = []  # (temporary folder, target folder)

    @contextlib.contextmanager
    def file(self, path: StrPath) -> Iterator[Path]:
        """Yield a temporary path beside ``path``, renamed onto it when the whole batch is done.

        An :class:`OSError` raised in the block is re-raised naming ``path``.
        """
        target = _target(path)
        try:
            temp = _reserve_temp(target)
        except OSError as exc:
            raise _write_error(exc, target) from exc
        self._files.append((temp, target))
        try:
            yield temp
            _fsync(temp)
            with contextlib.suppress(OSError):  # keep the mode of a file being replaced
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        except OSError as exc:
            raise _write_error(exc, target) from exc

    @contextlib.contextmanager
    def folder(self, path: StrPath) -> Iterator[Path]:
        """Yield a new, empty temporary folder beside ``path``; when the batch is done it is
        renamed onto ``path`` (missing or empty), or its files are moved into ``path`` one by one
        (files already there with other names stay).

        Errors raised in the block that name the temporary folder are re-raised naming ``path``.
        """
        target = Path(path)
        if target.exists() and not target.is_dir():
            message = f"cannot write {target}: a file is in the way"
            raise _named(FileExistsError, errno.EEXIST, message)
        parent = target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
        except OSError as exc:
            raise _write_error(exc, target) from exc
        umask = os.umask(0o022)
        os.umask(umask)
        with contextlib.suppress(OSError):
            temp.chmod(0o777 & ~umask)  # a folder as mkdir makes it (mkdtemp's is private)
        self._folders.append((temp, target))
        try:
            yield temp
        except (OSError, ValueError) as exc:
            renamed = _retarget(exc, temp, target)
            if renamed is exc:
                raise
            raise renamed from exc

    # --- committing and cleaning up ---------------------------------------------------------------

    def _plan(self) -> tuple[list[Path], list[tuple[Path, Path, bool]]]:
        """(folders to create, renames (source, destination, whole folder onto a missing or empty
        one)), after checking that nothing is in the way. Nothing is changed yet."""
        made: list[Path] = []
        moves = [(temp, target, False) for temp, target in self._files]
        for temp, target in self._folders:
            if not target.exists() or (target.is_dir() and not any(target.iterdir())):
                moves.append((temp, target, True))
                continue
            inside = [(src, target / src.relative_to(temp)) for src in sorted(temp.rglob("*"))]
            for src, dest in inside:
                if dest.exists() and src.is_dir() != dest.is_dir():
                    what = "a folder" if dest.is_dir() else "a file"
                    message = f"cannot write {dest}: {what} is in the way"
                    raise _named(IsADirectoryError, errno.EISDIR, message)
            made += [dest for src, dest in inside if src.is_dir() and not dest.exists()]
            moves += [(src, dest, False) for src, dest in inside if not src.is_dir()]
        return made, moves

    def _commit(self) -> None:
        made, moves = self._plan()
        created: list[Path] = []
        done: list[tuple[Path, Path, Path | None, bool]] = []  # (src, dest, backup, was empty dir)
        dest = None
        try:
            for dest in made:
                dest.mkdir()
                created.append(dest)
            for src, dest, whole in moves:
                empty_dir = whole and dest.is_dir()
                backup = None if whole else _backup(dest)
                try:
                    if empty_dir:
                        dest.rmdir()
                    os.replace(src, dest)
                except OSError:
                    if empty_dir and not dest.exists():
                        dest.mkdir()
                    if backup is not None:
                        os.remove(backup)
                    raise
                done.append((src, dest, backup, empty_dir))
        except OSError as exc:
            self._undo(done, created)
            assert dest is not None
            raise _write_error(exc, dest) from exc
        for _src, _dest, backup, _empty in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    os.remove(backup)
        for folder in {dest.parent for _, dest, _, _ in done}:
            _fsync(folder, directory=True)

    @staticmethod
    def _undo(done: list[tuple[Path, Path, Path | None, bool]], created: list[Path]) -> None:
        """Put back what a failed commit had already renamed (best effort)."""
        for src, dest, backup, empty_dir in reversed(done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, dest)
                else:
                    os.replace(dest, src)
                    if empty_dir:
                        dest.mkdir()
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def _discard(self) -> None:
        """Remove every temporary file and folder that is still there."""
        for temp, _ in self._files:
            with contextlib.suppress(OSError):
                os.remove(temp)
        for temp, _ in self._folders:
            shutil.rmtree(temp, ignore_errors=True)


@contextlib.contextmanager
def atomic_files() -> Iterator[AtomicBatch]:
    """Write several files (and folders) all or nothing::

        with atomic_files() as batch:
            with batch.file("run/experiment.json") as temp:
                temp.write_text(text)
            with batch.file("run/weights.npz") as temp:
                np.savez(temp, W1=W1)

    Nothing appears at the targets until the ``with`` block ends without an exception; then every
    temporary file is renamed onto its target. If the block raises, or a rename fails (the renames
    already made are undone, earlier files put back), the temporary files are removed and the
    targets keep what they held before. Errors name the target, never a temporary file.
    """
    batch = AtomicBatch()
    try:
        yield batch
        batch._commit()
    finally:
        batch._discard()


@contextlib.contextmanager
def atomic_path(path: StrPath) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``.

    For writers that want a file name (``np.savez``, image exporters)::

        with atomic_path("weights.npz") as temp:
            np.savez(temp, W1=W1)

    If the block raises, the temporary file is removed and the exception propagates (an
    :class:`OSError` is re-raised naming ``path``); ``path`` keeps its old content.
    """
    with atomic_files() as batch, batch.file(path) as temp:
        yield temp


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring)."""
    with atomic_path(path) as temp, open(temp, "wb") as file:
        file.write(data)


def atomic_write_text(path: StrPath, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, encoded as given, without newline translation."""
    atomic_write_bytes(path, text.encode(encoding))
