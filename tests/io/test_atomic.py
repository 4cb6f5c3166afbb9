"""Atomic writes (playground.io.atomic): all or nothing, no temp file left, errors name the file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from playground.io import atomic_path, atomic_write_bytes, atomic_write_text


def test_write_bytes_and_text(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    atomic_write_text(tmp_path / "b.txt", "σ(z)\nline 2\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_bytes() == "σ(z)\nline 2\n".encode()
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "b.txt"]


def test_replaces_existing_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    atomic_write_text(str(path), "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["exp.json"]


def test_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    atomic_write_text(tmp_path / "new.txt", "x")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask


def test_symlink_is_kept_and_its_target_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_atomic_path_for_writers_that_want_a_file_name(tmp_path: Path) -> None:
    target = tmp_path / "weights.npz"
    with atomic_path(target) as temp:
        assert temp.parent == tmp_path and temp.suffix == ".npz" and temp != target
        np.savez(temp, W1=np.eye(2))
        assert not target.exists()
    with np.load(target, allow_pickle=False) as npz:
        assert np.array_equal(npz["W1"], np.eye(2))
    assert os.listdir(tmp_path) == ["weights.npz"]


def test_failing_writer_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError), atomic_path(target) as temp:
        temp.write_text("half writ")
        raise ZeroDivisionError
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["exp.json"]


def test_failing_writer_leaves_no_new_file(tmp_path: Path) -> None:
    with pytest.raises(KeyError), atomic_path(tmp_path / "new.npz") as temp:
        np.savez(temp, a=np.zeros(3))
        raise KeyError("bad")
    assert os.listdir(tmp_path) == []


def test_oserror_in_writer_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(FileNotFoundError) as info, atomic_path(target) as temp:
        temp.write_bytes(b"partial")
        open(tmp_path / "gone" / "input.bin", "rb").close()  # a real OSError inside the writer
    assert str(info.value).startswith(f"cannot write {target}: ")
    assert isinstance(info.value.__cause__, FileNotFoundError)
    assert os.listdir(tmp_path) == []


def _read_only_folder(tmp_path: Path) -> Path | None:
    """A folder this process really cannot write into, or None (root ignores permissions)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        (folder / "probe").write_text("x")
    except PermissionError:
        return folder
    os.remove(folder / "probe")
    return None


def _unwritable_targets(tmp_path: Path) -> list[tuple[Path, type[OSError], str]]:
    """Targets whose writing really fails: (path, expected error type, expected reason)."""
    (tmp_path / "plain_file").write_text("I am a file")
    targets = [
        (tmp_path / "missing" / "exp.json", FileNotFoundError, "does not exist"),
        (tmp_path / "plain_file" / "exp.json", NotADirectoryError, "is not a folder"),
    ]
    folder = _read_only_folder(tmp_path)
    if folder is not None:
        targets.append((folder / "exp.json", PermissionError, "permission denied"))
    return targets


@pytest.mark.parametrize("write", ["bytes", "text", "path"])
def test_unwritable_target_raises_oserror_naming_target_and_reason(
    tmp_path: Path, write: str
) -> None:
    for target, kind, reason in _unwritable_targets(tmp_path):
        before = sorted(p.name for p in tmp_path.rglob("*"))
        with pytest.raises(kind) as info:
            if write == "bytes":
                atomic_write_bytes(target, b"data")
            elif write == "text":
                atomic_write_text(target, "data")
            else:
                with atomic_path(target) as temp:
                    temp.write_text("data")
        message = str(info.value)
        assert message.startswith(f"cannot write {target}: ") and reason in message
        assert info.value.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES)
        assert sorted(p.name for p in tmp_path.rglob("*")) == before
    os.chmod(tmp_path / "ro", 0o755)


def test_read_only_folder_keeps_existing_file(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "exp.json").write_text("old")
    os.chmod(folder, 0o555)
    try:
        try:
            (folder / "probe").write_text("x")
            os.remove(folder / "probe")
            writable = True  # running as root: permissions do not stop writes
        except PermissionError:
            writable = False
        if writable:
            target = folder / "exp.json" / "child.json"  # a real failure: parent is a file
            kind: type[OSError] = NotADirectoryError
        else:
            target = folder / "exp.json"
            kind = PermissionError
        with pytest.raises(kind, match="cannot write"):
            atomic_write_text(target, "new")
        assert (folder / "exp.json").read_text() == "old"
        assert os.listdir(folder) == ["exp.json"]
    finally:
        os.chmod(folder, 0o755)


def test_target_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(OSError, match=r"^cannot write .*taken: "):
        atomic_write_text(tmp_path / "taken", "x")
    assert os.listdir(tmp_path) == ["taken"]
    assert os.listdir(tmp_path / "taken") == []
