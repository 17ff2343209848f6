"""Your own digits: the 28x28 fields you corrected, kept in a local SQLite database to fine-tune on.

One row per digit: its label, the 784 pixels the model saw (uint8), where it came from (cli or
app), the picture's file name, when, and the fingerprint of the model that read it. The database
says it is ours (PRAGMA application_id) and which schema it holds (PRAGMA user_version, migrated
forward on opening); it runs in WAL mode so that the app's concurrent writes are safe. A damaged
or foreign file is refused with one line and never written to.
"""
import contextlib
import datetime
import sqlite3
import time
from pathlib import Path

import numpy as np

from .atomic_write import write_atomically
from .config import IMAGE_SIZE, NUM_CLASSES, NUM_PIXELS
from .errors import InputError

APPLICATION_ID = 0x44494754  # "DIGT": marks a database as this project's
SQLITE_HEADER = b"SQLite format 3\x00"
SOURCES = ("cli", "app")
BUSY_SECONDS = 10  # how long a writer waits for another (the app's, another predict.py) before giving up
# MIGRATIONS[n]: the statements that take a database from schema version n to n + 1.
MIGRATIONS = [
    [f"""CREATE TABLE digits (
        id INTEGER PRIMARY KEY,
        label INTEGER NOT NULL CHECK (label BETWEEN 0 AND {NUM_CLASSES - 1}),
        pixels BLOB NOT NULL CHECK (length(pixels) = {NUM_PIXELS}),
        source TEXT NOT NULL CHECK (source IN {SOURCES}),
        file TEXT,
        created TEXT NOT NULL,
        model TEXT)"""],
]
SCHEMA_VERSION = len(MIGRATIONS)


class MyDigits:
    """The database at ``path``; created on the first digit stored, refused if it is not ours."""

    def __init__(self, path):
        self.path = Path(path)

    def add(self, fields, labels, source, file=None, model=None):
        """Store each 28x28 field (floats in [0, 1], as the model saw it) with its label, in one
        transaction. Returns how many digits the database then holds."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}")
        if len(fields) != len(labels):
            raise ValueError("one label per field")
        created = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        rows = [(int(label), _as_bytes(field), source, None if file is None else str(file), created, model)
                for field, label in zip(fields, labels)]
        with self._open(create=True) as database, _transaction(database):
            database.executemany("INSERT INTO digits (label, pixels, source, file, created, model) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", rows)  # all of these digits or none
            return database.execute("SELECT count(*) FROM digits").fetchone()[0]

    def counts(self):
        """{label: how many stored}, for every label 0-9."""
        with self._open() as database:
            stored = dict(database.execute("SELECT label, count(*) FROM digits GROUP BY label"))
        return {label: stored.get(label, 0) for label in range(NUM_CLASSES)}

    def digits(self):
        """(pixels uint8 (N, 784), labels uint8 (N,)) in the order they were stored; at least one."""
        with self._open() as database:
            rows = database.execute("SELECT label, pixels FROM digits ORDER BY id").fetchall()
        if not rows:
            raise self._nothing_stored()
        pixels = np.frombuffer(b"".join(row[1] for row in rows), np.uint8).reshape(-1, NUM_PIXELS)
        return pixels, np.array([row[0] for row in rows], np.uint8)

    def export(self, csv_path):
        """Write them in train.csv's format (label,pixel0..pixel783), whole or not at all; returns how many."""
        pixels, labels = self.digits()
        header = ",".join(["label", *(f"pixel{index}" for index in range(NUM_PIXELS))])
        write_atomically(csv_path, lambda tmp: np.savetxt(tmp, np.column_stack([labels, pixels]), fmt="%d",
                                                          delimiter=",", header=header, comments=""))
        return len(labels)

    @contextlib.contextmanager
    def _open(self, create=False):
        """A connection for the ``with`` block, the schema up to date; any SQLite error in the block
        becomes one line. Only ``create`` makes a database where there is none (or an empty file)."""
        self._check_file(create)
        try:
            # Transactions are begun and ended here, explicitly; a writer waits for another (the app's).
            database = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as error:
            raise self._refused(error) from None
        try:
            self._bring_up_to_date(database, create)
            yield database
        except sqlite3.Error as error:
            raise self._refused(error) from None
        finally:
            database.close()

    def _check_file(self, create):
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a folder, not a database of your digits")
        if self.path.exists() and self.path.stat().st_size:
            self._check_header()
        elif not create:
            raise self._nothing_stored()
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise InputError(f"{self.path}: cannot create it ({(error.strerror or str(error)).lower()})") from None

    def _nothing_stored(self):
        return InputError(f"{self.path}: no digits stored yet (teach one with: python predict.py picture.png --teach 7)")

    def _refused(self, error):
        reason = str(error)
        if "locked" in reason or "busy" in reason:
            return InputError(f"{self.path}: busy: another program is writing to it; try again in a moment")
        if "readonly" in reason or "unable to open" in reason:
            return InputError(f"{self.path}: cannot be opened for writing here ({reason}); copy it to a folder "
                              "you may write to")
        return InputError(f"{self.path}: damaged or not a database of your digits ({reason}); it was left untouched")

    def _check_header(self):
        with open(self.path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise InputError(f"{self.path}: not a SQLite database (damaged, or another kind of file); it was "
                             "left untouched")

    def _bring_up_to_date(self, database, create):
        with _transaction(database, "DEFERRED"):  # one snapshot: another process may be creating it
            version = self._version(database)
        if version == SCHEMA_VERSION:
            return
        if version == 0 and not create:  # an empty database: only storing a digit makes it ours
            raise self._nothing_stored()
        _wal_mode(database)
        with _transaction(database):  # another process may be migrating it too: read again, under the lock
            for step in range(self._version(database), SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    database.execute(statement)
                database.execute(f"PRAGMA user_version = {step + 1}")
            database.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _version(self, database):
        """The schema version, after checking the database is ours (or empty) and not newer."""
        application, = database.execute("PRAGMA application_id").fetchone()
        version, = database.execute("PRAGMA user_version").fetchone()
        tables, = database.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if application != APPLICATION_ID and (application or tables):
            raise InputError(f"{self.path}: a database of another program, not of your digits; it was left "
                             "untouched")
        if version > SCHEMA_VERSION:
            raise InputError(f"{self.path}: written by a newer version of this project (schema {version}; this "
                             f"one knows {SCHEMA_VERSION}); update the project to use it")
        return version


def _wal_mode(database):
    """Switch to WAL (it lasts in the file; not allowed in a transaction). SQLite refuses the switch at
    once, without waiting, while another process creates the same database: try again for a while."""
    for attempt in range(200):
        try:
            database.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 199:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def _transaction(database, kind="IMMEDIATE"):
    """BEGIN ... COMMIT, or ROLLBACK on any error. IMMEDIATE takes the write lock at once, so that two
    writers never both read, then write; DEFERRED reads one consistent snapshot."""
    database.execute(f"BEGIN {kind}")
    try:
        yield
    except BaseException:
        database.execute("ROLLBACK")
        raise
    database.execute("COMMIT")


def named(labels):
    """How a taught label is said: 'a 7', 'an 8', or a number's digits as they are ('2026')."""
    if len(labels) > 1:
        return labels
    return f"{'an' if labels == '8' else 'a'} {labels}"


def kept(total):
    """'you have 13 digits saved': the words predict.py and the app say after saving."""
    return f"you have {total} digit{'s' * (total != 1)} saved"


def _as_bytes(field):
    field = np.asarray(field, np.float32).reshape(IMAGE_SIZE, IMAGE_SIZE)
    return np.round(np.clip(field, 0, 1) * 255).astype(np.uint8).tobytes()
