"""Several files written together (playground.io.atomic.atomic_files): all of them or none, and
every error names the file that was asked for, never a temporary one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_export_cases import ACTIVATION_CASES, temp_files, trained_like, write_experiment

from playground.io.export import ExportError, export_network


def atomic_files():  # noqa: ANN201 - imported here so that the other tests run on older code
    from playground.io import atomic_files

    return atomic_files()


def test_all_files_appear_together(tmp_path: Path) -> None:
    with atomic_files() as batch:
        with batch.file(tmp_path / "a.txt") as temp:
            temp.write_text("A")
        with batch.file(tmp_path / "b.txt") as temp:
            temp.write_text("B")
            assert not (tmp_path / "a.txt").exists()  # nothing is in place before the end
    assert (tmp_path / "a.txt").read_text() == "A" and (tmp_path / "b.txt").read_text() == "B"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


def test_a_later_failure_leaves_nothing_new_and_old_files_as_they_were(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    with pytest.raises(FileNotFoundError) as info, atomic_files() as batch:
        with batch.file(tmp_path / "a.txt") as temp:
            temp.write_text("new")
        with batch.file(tmp_path / "new.txt") as temp:
            temp.write_text("new")
        with batch.file(tmp_path / "missing" / "c.txt"):  # a real failure: no such folder
            pass
    assert str(info.value) == f"cannot write {tmp_path / 'missing' / 'c.txt'}: the folder " + (
        f"{tmp_path / 'missing'} does not exist"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt"] and (tmp_path / "a.txt").read_text() == "old"


def test_a_failing_rename_puts_back_what_was_already_renamed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").mkdir()  # renaming a file onto a folder fails, when the batch commits
    with pytest.raises(IsADirectoryError, match=r"cannot write .*b\.txt: it is a folder"):
        with atomic_files() as batch:
            with batch.file(tmp_path / "new.txt") as temp:
                temp.write_text("new")
            with batch.file(tmp_path / "a.txt") as temp:
                temp.write_text("new a")
            with batch.file(tmp_path / "b.txt") as temp:
                temp.write_text("new b")
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "old a" and (tmp_path / "b.txt").is_dir()


def test_folder_errors_name_the_target_not_the_temporary_folder(tmp_path: Path) -> None:
    target = tmp_path / "bundle"
    with pytest.raises(FileNotFoundError) as info, atomic_files() as batch:
        with batch.folder(target) as temp:
            (temp / "ok.txt").write_text("x")
            open(temp / "sub" / "x.txt", "w").close()  # a real OSError naming the temp folder
    message = str(info.value)
    assert str(target / "sub" / "x.txt") in message and ".tmp" not in message
    assert os.listdir(tmp_path) == []


def test_folder_into_an_existing_folder_keeps_other_files(tmp_path: Path) -> None:
    target = tmp_path / "bundle"
    target.mkdir()
    (target / "mine.txt").write_text("mine")
    (target / "a.txt").write_text("old")
    with atomic_files() as batch, batch.folder(target) as temp:
        (temp / "a.txt").write_text("new")
        (temp / "sub").mkdir()
        (temp / "sub" / "b.txt").write_text("b")
    assert (target / "a.txt").read_text() == "new" and (target / "mine.txt").read_text() == "mine"
    assert (target / "sub" / "b.txt").read_text() == "b"
    assert os.listdir(tmp_path) == ["bundle"] and temp_files(tmp_path) == []


# --- a full disk, for real: a file size limit (RLIMIT_FSIZE) makes writes fail with EFBIG ---------

LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
from playground.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_limited(limit: int, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``playground ARGS`` in a process that cannot write files larger than ``limit`` bytes
    (Python ignores SIGXFSZ, so a write past the limit raises OSError EFBIG, as on a full disk)."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX resource limits")
def test_torch_export_on_a_full_disk_names_the_file_asked_for(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["deep"])
    write_experiment(exp, tmp_path / "exp.json")
    (tmp_path / "out").mkdir()
    args = ["export", "exp.json", "--format", "torch", "--out", "out/out_torch"]
    result = run_limited(1500, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert line.startswith("playground export: cannot write out/out_torch.npz: "), line
    assert ".tmp" not in line and "Traceback" not in line
    assert os.listdir(tmp_path / "out") == []  # neither the script nor the weights


def test_torch_export_writes_both_files_or_neither(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    (tmp_path / "model.npz").mkdir()  # the weights cannot go there: the script must not either
    with pytest.raises(ExportError) as info:
        export_network(net, exp, "torch", tmp_path / "model.py")
    assert str(tmp_path / "model.npz") in str(info.value) and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == ["model.npz"] and os.listdir(tmp_path / "model.npz") == []
