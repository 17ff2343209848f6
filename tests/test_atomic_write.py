"""A file is replaced whole or not at all, and gets the usual permissions."""
import os
import stat

import pytest

from digit_recognizer.atomic_write import write_atomically


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
