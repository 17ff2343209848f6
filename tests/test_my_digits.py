"""Your digits in SQLite: storing, counting, exporting, refusing what is not ours, concurrent writers."""
import sqlite3
import threading
import time

import numpy as np
import pytest

from digit_recognizer import data
from digit_recognizer.errors import InputError
from digit_recognizer.my_digits import SCHEMA_VERSION, MyDigits


def fields(count, seed=0):
    return np.random.default_rng(seed).random((count, 28, 28)).astype(np.float32)


def test_digits_are_stored_with_their_label_and_come_back_as_the_model_saw_them(tmp_path):
    store = MyDigits(tmp_path / "my_digits.sqlite")
    seen = fields(3)
    assert store.add(seen[:2], [7, 1], "cli", file="pic.png", model="abc") == 2
    assert store.add(seen[2:], [7], "app") == 3
    pixels, labels = store.digits()
    assert labels.tolist() == [7, 1, 7] and pixels.dtype == np.uint8
    assert np.abs(pixels.reshape(-1, 28, 28) / 255 - seen).max() <= 0.5 / 255 + 1e-6
    assert store.counts() == {0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 2, 8: 0, 9: 0}
    row = sqlite3.connect(store.path).execute("SELECT source, file, model, created FROM digits WHERE id = 1").fetchone()
    assert row[:3] == ("cli", "pic.png", "abc") and row[3].startswith("20")


def test_the_database_is_versioned_and_in_wal_mode(tmp_path):
    store = MyDigits(tmp_path / "d.sqlite")
    store.add(fields(1), [3], "cli")
    database = sqlite3.connect(store.path)
    assert database.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reading_a_database_that_does_not_exist_says_how_to_start_one(tmp_path):
    with pytest.raises(InputError, match=r"missing.sqlite: no digits stored yet \(teach one with: python predict.py"):
        MyDigits(tmp_path / "missing.sqlite").counts()
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.parametrize("content, reason", [
    (b"label,pixel0\n1,0\n", "not a SQLite database"),
    (b"SQLite format 3\x00" + b"\x07" * 2000, "damaged or not a database of your digits"),
])
def test_a_damaged_or_foreign_file_is_refused_and_left_untouched(tmp_path, content, reason):
    path = tmp_path / "my_digits.sqlite"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"^{path}: {reason}"):
        MyDigits(path).add(fields(1), [1], "cli")
    assert path.read_bytes() == content


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE accounts (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(InputError, match="a database of another program, not of your digits; it was left untouched"):
        MyDigits(path).add(fields(1), [1], "cli")
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    store = MyDigits(tmp_path / "d.sqlite")
    store.add(fields(1), [1], "cli")
    with sqlite3.connect(store.path) as database:
        database.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(InputError, match="written by a newer version of this project"):
        store.counts()


def test_writers_in_several_threads_lose_no_digit(tmp_path):
    store = MyDigits(tmp_path / "d.sqlite")
    errors = []

    def teach(label):
        try:
            for _ in range(10):
                MyDigits(store.path).add(fields(1, label), [label], "app")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=teach, args=(label,)) for label in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.counts() == {label: 10 if label < 8 else 0 for label in range(10)}


def test_the_export_is_a_train_csv_the_loader_reads_back(tmp_path):
    store = MyDigits(tmp_path / "d.sqlite")
    store.add(fields(4), [0, 9, 9, 5], "cli")
    assert store.export(tmp_path / "mine.csv") == 4
    pixels, labels = data.load_labelled_csv(tmp_path / "mine.csv")
    stored_pixels, stored_labels = store.digits()
    assert labels.tolist() == [0, 9, 9, 5] and np.array_equal(pixels, stored_pixels)


def test_damage_inside_a_database_is_one_line_and_left_untouched(tmp_path):
    store = MyDigits(tmp_path / "d.sqlite")
    store.add(fields(300), [1] * 300, "cli")
    sqlite3.connect(store.path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    damaged = bytearray(store.path.read_bytes())
    damaged[20_000:24_000] = b"\xff" * 4000  # pages of digits, past the intact header and schema
    store.path.write_bytes(bytes(damaged))
    for use in (store.counts, store.digits, lambda: store.add(fields(1), [2], "cli")):
        with pytest.raises(InputError, match=f"^{store.path}: damaged or not a database of your digits"):
            use()
    assert store.path.read_bytes() == bytes(damaged)


def test_an_empty_file_holds_no_digits_and_reading_it_leaves_it_empty(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="no digits stored yet"):
        MyDigits(path).counts()
    assert path.read_bytes() == b""
    assert MyDigits(path).add(fields(1), [3], "cli") == 1  # storing a digit makes it ours


def test_a_database_another_writer_holds_is_busy_not_damaged(tmp_path, monkeypatch):
    store = MyDigits(tmp_path / "d.sqlite")
    store.add(fields(1), [1], "cli")
    monkeypatch.setattr("digit_recognizer.my_digits.BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(InputError, match="busy: another program is writing to it; try again in a moment"):
        store.add(fields(1), [2], "cli")
    holder.execute("ROLLBACK")
    assert store.counts()[1] == 1 and store.counts()[2] == 0


def test_processes_creating_the_same_database_at_once_lose_no_digit(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "new.sqlite"
    code = ("import sys, time, numpy as np; from digit_recognizer.my_digits import MyDigits; "
            "time.sleep(max(0, float(sys.argv[3]) - time.time())); "  # all start at the same instant
            "[MyDigits(sys.argv[1]).add(np.zeros((1, 28, 28)), [int(sys.argv[2])], 'cli') for _ in range(5)]")
    for _ in range(3):
        path.unlink(missing_ok=True)
        start = time.time() + 2
        writers = [subprocess.Popen([sys.executable, "-c", code, str(path), str(label), str(start)], cwd=ROOT,
                                    stderr=subprocess.PIPE, text=True) for label in range(4)]
        errors = [writer.communicate(timeout=60)[1] for writer in writers]
        assert [writer.returncode for writer in writers] == [0] * 4, errors
        assert MyDigits(path).counts() == {label: 5 if label < 4 else 0 for label in range(10)}
