"""A file is replaced whole or not at all, and gets the usual permissions."""
import os
import stat
import subprocess
import sys

import pytest

from digit_recognizer.atomic_write import check_writable, write_atomically
from digit_recognizer.errors import InputError


def test_the_file_appears_whole_with_normal_permissions(tmp_path):
    target = tmp_path / "new" / "model.keras"
    umask = os.umask(0o022)
    try:
        write_atomically(target, lambda tmp: tmp.write_text("the model"))
    finally:
        os.umask(umask)
    assert target.read_text() == "the model"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["model.keras"]


def test_the_temporary_file_keeps_the_suffix(tmp_path):
    seen = []
    write_atomically(tmp_path / "model.keras", lambda tmp: (seen.append(tmp.suffix), tmp.write_text("x")))
    assert seen == [".keras"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "submission.csv"
    target.write_text("the old file")

    def crash(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, crash)
    assert target.read_text() == "the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["submission.csv"]


def dead_process_id():
    """The id of a process that has just ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_killed_writers_are_removed_at_the_next_write(tmp_path):
    target = tmp_path / "model.keras"
    killed = tmp_path / f".model.tmp-{dead_process_id()}-abc123xy.keras"
    writing = tmp_path / f".model.tmp-{os.getpid()}-def456zw.keras"  # a write still going on
    dead = dead_process_id()
    others = [tmp_path / name for name in [  # the user's own files, however alike
        ".model-notours.keras", f".other.tmp-{dead}-abc123xy.keras", f".model.tmp-{dead}-my_notes2.keras",
        f".model-{dead}-abc123xy.keras", f".model.tmp-{dead}-abc123xy.keras.bak", f".model-2024.tmp-{dead}-abc123xy.keras"]]
    for path in [killed, writing, *others]:
        path.write_text("x")
    write_atomically(target, lambda tmp: tmp.write_text("the model"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in [target, writing, *others])


def test_a_symbolic_link_is_written_through(tmp_path):
    (tmp_path / "models").mkdir()
    real = tmp_path / "models" / "real.csv"
    real.write_text("old")
    (tmp_path / "link.csv").symlink_to(real)
    write_atomically(tmp_path / "link.csv", lambda tmp: tmp.write_text("new"))
    assert (tmp_path / "link.csv").is_symlink() and real.read_text() == "new"


def test_a_destination_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(InputError, match=r"is a folder; name a file to write$"):
        check_writable(tmp_path)
    with pytest.raises(InputError, match=r"a_file/out.csv: cannot be written, .*a_file is a file, not a folder$"):
        check_writable(tmp_path / "a_file" / "out.csv")
    with pytest.raises(InputError, match=r"out.csv: cannot write it \(.*\)$"):
        write_atomically(tmp_path / "a_file" / "out.csv", lambda tmp: tmp.write_text("x"))
    (tmp_path / "taken.csv").mkdir()
    with pytest.raises(InputError, match=r"taken.csv: cannot write it \(is a directory\)$"):
        write_atomically(tmp_path / "taken.csv", lambda tmp: tmp.write_text("x"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "taken.csv"]
    check_writable(tmp_path / "new" / "folders" / "out.csv")  # made when written
    assert not (tmp_path / "new").exists()
