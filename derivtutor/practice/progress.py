"""The progress store: every attempt, and a spaced-repetition card per problem, in SQLite.

One file, ``progress.sqlite3``, in ``$DERIVTUTOR_HOME`` or the user's data directory. Three
tables: ``attempts`` (append-only: every answer given), ``reviews`` (append-only: the rating of
each finished problem) and ``cards`` (the FSRS state per problem, which the reviews determine:
an import replays them). Each record is committed as it is given, so Ctrl-C or a killed terminal
loses nothing already answered. A file that is not a derivtutor database, or comes from a newer
version, is reported and never touched.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from derivtutor import places
from derivtutor.controls import has_controls
from derivtutor.errors import Message, Parameter, ProgressError, UsageError
from derivtutor.files import UnreadableFile, read_bounded

SCHEMA_VERSION = 1
FILENAME = places.PROGRESS_FILE
EXPORT_FORMAT = "derivtutor-progress"
_SQLITE_MAGIC = b"SQLite format 3\x00"

BUSY_TIMEOUT = 10.0  # seconds SQLite retries a locked store before giving up
JOURNAL_LIMIT = 10_000_000  # bytes: a journal is a session's answers, not a lifetime's

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,          -- ISO 8601, UTC
    problem TEXT NOT NULL,
    topic TEXT NOT NULL,
    level INTEGER NOT NULL,
    function TEXT NOT NULL,
    answer TEXT,                 -- NULL: the steps were asked for
    verdict TEXT NOT NULL,       -- correct, incorrect or revealed
    mistake TEXT,
    hints INTEGER NOT NULL,
    seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    problem TEXT NOT NULL,
    rating INTEGER NOT NULL      -- fsrs.Rating: 1 again, 2 hard, 3 good, 4 easy
);
CREATE TABLE IF NOT EXISTS cards (
    problem TEXT PRIMARY KEY,
    due TEXT NOT NULL,
    card TEXT NOT NULL           -- fsrs.Card.to_dict(), as JSON
);
CREATE INDEX IF NOT EXISTS attempts_topic ON attempts (topic, time);
CREATE INDEX IF NOT EXISTS cards_due ON cards (due);
"""

ATTEMPT_FIELDS = (
    "time",
    "problem",
    "topic",
    "level",
    "function",
    "answer",
    "verdict",
    "mistake",
    "hints",
    "seconds",
)


REVIEW_FIELDS = ("time", "problem", "rating")


def default_path() -> Path:
    return places.progress_path()


def parse_time(text: str) -> datetime:
    """An ISO 8601 time, in UTC. Raises ValueError for a bad or out-of-range one."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo:
            return moment.astimezone(timezone.utc)  # overflows for year 9999 at −23:59
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None
    # fsrs wants UTC; an export may carry any offset (converted above), or none: read as UTC.
    return moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class TopicStats:
    topic: str
    attempts: int
    correct: int
    last: str | None  # ISO time of the last attempt
    streak: int  # correct answers in a row, counting back from the latest
    level: int | None = None  # on the learning path; None when every level is fluent
    fluent: int = 0  # the levels done
    next_due: str | None = None  # the earliest review due among its problems

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


class Progress:
    """The store, opened on a file. ``create=False`` never makes a file that is not there."""

    def __init__(self, path: Path | str | None = None, *, create: bool = True) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._db: sqlite3.Connection | None = None
        try:
            # An empty file is one another derivtutor has just made: creating is idempotent.
            if self.path.exists() and self.path.stat().st_size > 0:
                self._db = self._open_existing()
            elif create:
                self._db = self._create()
        except sqlite3.OperationalError as err:
            raise self._unusable(err) from None
        except OSError as err:
            where = self.path.parent
            why = "it is a file, not a directory" if where.is_file() else err.strerror or err
            raise ProgressError(
                f"cannot keep your progress in {where}: {why}. "
                "Set DERIVTUTOR_HOME to a directory you can write to."
            ) from None

    @property
    def exists(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- opening -------------------------------------------------------------------------

    def _create(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        # Exclusive, and IF NOT EXISTS: two sessions starting at once make one schema.
        db.execute("BEGIN EXCLUSIVE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                # Statement by statement: executescript would commit first, and with it the
                # lock, so a second session could see tables without their version.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.commit()
        except BaseException:
            db.rollback()
            db.close()
            raise
        if version != 0:  # another session made it meanwhile: check it as any existing file
            db.close()
            return self._open_existing()
        return db

    def _unusable(self, err: sqlite3.Error) -> ProgressError:
        """A store that exists but cannot be written now: locked, or read-only."""
        if "locked" in str(err):
            return ProgressError(
                f"{self.path} is busy: another derivtutor is writing to it. Try again in a moment."
            )
        return ProgressError(
            f"cannot write your progress to {self.path} ({err}). Check that you can write to "
            "it and its directory, or set DERIVTUTOR_HOME to a directory you can write to."
        )

    def _open_existing(self) -> sqlite3.Connection:
        try:
            with open(self.path, "rb") as file:
                header = file.read(len(_SQLITE_MAGIC))
        except OSError as err:
            raise ProgressError(f"cannot read {self.path}: {err.strerror}") from None
        if header != _SQLITE_MAGIC:
            raise self._corrupt("it is not an SQLite database")
        # Read-only until the file is known to be ours: a bad file is never written to.
        try:
            probe = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                version = probe.execute("PRAGMA user_version").fetchone()[0]
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
                if probe.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise self._corrupt("SQLite reports it damaged")
                if version == SCHEMA_VERSION and {"attempts", "reviews", "cards"} <= tables:
                    why = _foreign_objects(probe) or _unreadable_values(probe)
                    if why:
                        raise self._corrupt(why)
            finally:
                probe.close()
        except sqlite3.OperationalError as err:
            if "locked" in str(err):
                raise self._unusable(err) from None
            raise self._corrupt(f"SQLite cannot read it ({err})") from None
        except sqlite3.DatabaseError as err:
            raise self._corrupt(f"SQLite cannot read it ({err})") from None
        if version > SCHEMA_VERSION:
            raise ProgressError(
                f"{self.path} was written by a newer derivtutor (progress format {version}; "
                f"this one reads {SCHEMA_VERSION}). Upgrade derivtutor; the file was left as it is."
            )
        if version < SCHEMA_VERSION or not {"attempts", "reviews", "cards"} <= tables:
            raise self._corrupt("it has no derivtutor progress tables")
        return self._connect()

    def _corrupt(self, why: str) -> ProgressError:
        return ProgressError(
            f"{self.path} cannot be used: {why}. It was left untouched. Move it away to start "
            "afresh (derivtutor then makes a new one), or restore it from a backup."
        )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise ProgressError("there is no progress yet: practise with derivtutor quiz first")
        return self._db

    # --- writing ---------------------------------------------------------------------------

    def add_attempt(self, attempt: dict[str, Any]) -> None:
        """One answer, committed at once."""
        with self._writing():
            self._insert_attempt(attempt)

    def add_review(self, problem: str, rating: int, time: str) -> None:
        """A finished problem's rating, and its card rescheduled, in one transaction."""
        with self._writing():
            self._review(problem, rating, time)

    def check_writable(self) -> None:
        """Fail now, before a session starts, if answers could not be saved; then save what
        an earlier session had to keep in the journal."""
        with self._writing():
            self.db.execute("PRAGMA user_version = " + str(SCHEMA_VERSION))
        self.replay()

    # --- the journal: answers that could not be saved when they were given ----------------

    @property
    def journal(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    def keep(self, records: list[tuple[str, dict[str, Any]]]) -> Path:
        """Append ("attempt", row) and ("review", row) records that the store refused (locked
        past the busy timeout) to the journal, synced to disk: the next session saves them."""
        fd = os.open(
            self.journal,
            os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0),
            0o600,
        )
        with open(fd, "a", encoding="utf-8") as stream:
            for kind, row in records:
                stream.write(json.dumps({"kind": kind, "row": row}) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        return self.journal

    def replay(self) -> int:
        """Save the journal's records in one transaction, then remove it; how many there were.
        A journal that cannot be read is left where it is, for the user to see."""
        try:
            text = read_bounded(self.journal, JOURNAL_LIMIT).decode("utf-8")
        except (UnreadableFile, UnicodeDecodeError):
            return 0
        entries = [json.loads(line) for line in text.splitlines() if line.strip()]
        with self._writing():
            for entry in entries:
                row = entry["row"]
                if entry["kind"] == "attempt":
                    self._insert_attempt(row)
                else:
                    self._review(row["problem"], row["rating"], row["time"])
        os.unlink(self.journal)
        return len(entries)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction; an SQLite failure becomes a ProgressError with advice."""
        try:
            with self.db:
                yield
        except sqlite3.OperationalError as err:
            raise self._unusable(err) from None

    def _insert_attempt(self, attempt: dict[str, Any]) -> None:
        columns = ", ".join(ATTEMPT_FIELDS)
        marks = ", ".join("?" for _ in ATTEMPT_FIELDS)
        self.db.execute(
            f"INSERT INTO attempts ({columns}) VALUES ({marks})",
            [attempt[f] for f in ATTEMPT_FIELDS],
        )

    def _review(self, problem: str, rating: int, time: str, log: bool = True) -> None:
        from fsrs import Card, Rating

        row = self.db.execute("SELECT card FROM cards WHERE problem = ?", (problem,)).fetchone()
        card = Card.from_dict(json.loads(row["card"])) if row else Card(card_id=_card_id(problem))
        card, _ = _scheduler().review_card(card, Rating(rating), parse_time(time))
        if log:
            self.db.execute(
                "INSERT INTO reviews (time, problem, rating) VALUES (?, ?, ?)",
                (time, problem, rating),
            )
        self.db.execute(
            "INSERT OR REPLACE INTO cards (problem, due, card) VALUES (?, ?, ?)",
            (
                problem,
                card.due.astimezone(timezone.utc).isoformat(timespec="microseconds"),
                json.dumps(card.to_dict()),
            ),
        )

    def reset(self) -> tuple[int, int]:
        """Delete every attempt, review and card. Returns the counts deleted."""
        with self._writing():
            attempts = self.db.execute("DELETE FROM attempts").rowcount
            reviews = self.db.execute("DELETE FROM reviews").rowcount
            self.db.execute("DELETE FROM cards")
        return attempts, reviews

    # --- reading ---------------------------------------------------------------------------

    def attempts(self) -> list[dict[str, Any]]:
        if self._db is None:
            return []
        fields = ", ".join(ATTEMPT_FIELDS)
        rows = self._db.execute(f"SELECT {fields} FROM attempts ORDER BY time, id")
        return [dict(r) for r in rows]

    def reviews(self) -> list[dict[str, Any]]:
        if self._db is None:
            return []
        rows = self._db.execute("SELECT time, problem, rating FROM reviews ORDER BY time, id")
        return [dict(r) for r in rows]

    def due(self, now: float) -> list[tuple[str, str]]:
        """(problem id, due time) of every card due by ``now``, the most overdue first."""
        if self._db is None:
            return []
        moment = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="microseconds")
        rows = self._db.execute(
            "SELECT problem, due FROM cards WHERE due <= ? ORDER BY due", (moment,)
        )
        return [(r["problem"], r["due"]) for r in rows]

    def next_due(self, among: Collection[str] | None = None) -> str | None:
        """The earliest due time of a card (of the problems ``among``, when given)."""
        if self._db is None:
            return None
        rows = self._db.execute("SELECT problem, due FROM cards ORDER BY due")
        return next((r["due"] for r in rows if among is None or r["problem"] in among), None)

    def schedule(self) -> list[tuple[str, str]]:
        """(problem id, due time) of every card, the earliest first."""
        if self._db is None:
            return []
        rows = self._db.execute("SELECT problem, due FROM cards ORDER BY due")
        return [(r["problem"], r["due"]) for r in rows]

    def seen(self) -> set[str]:
        """Every problem id with an attempt."""
        if self._db is None:
            return set()
        return {r[0] for r in self._db.execute("SELECT DISTINCT problem FROM attempts")}

    def stats(self) -> list[TopicStats]:
        """Per topic: attempts, correct ones, the last time, and the current streak."""
        by_topic: dict[str, list[dict[str, Any]]] = {}
        for attempt in self.attempts():
            by_topic.setdefault(attempt["topic"], []).append(attempt)
        out = []
        for topic, rows in sorted(by_topic.items()):
            streak = 0
            for row in reversed(rows):
                if row["verdict"] != "correct":
                    break
                streak += 1
            correct = sum(r["verdict"] == "correct" for r in rows)
            out.append(TopicStats(topic, len(rows), correct, rows[-1]["time"], streak))
        return out

    # --- moving the history ------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        return {
            "format": EXPORT_FORMAT,
            "version": SCHEMA_VERSION,
            "attempts": self.attempts(),
            "reviews": self.reviews(),
        }

    def import_history(self, data: Any) -> tuple[int, int]:
        """Merge an export into this store (records already present are skipped), then replay
        every review to rebuild the cards. One transaction: all of it, or nothing."""
        attempts, reviews = read_export(data)
        have_attempts = {_key(a, ATTEMPT_FIELDS) for a in self.attempts()}
        have_reviews = {_key(r, REVIEW_FIELDS) for r in self.reviews()}
        new_attempts = [a for a in attempts if _key(a, ATTEMPT_FIELDS) not in have_attempts]
        new_reviews = [r for r in reviews if _key(r, REVIEW_FIELDS) not in have_reviews]
        with self._writing():
            for attempt in new_attempts:
                self._insert_attempt(attempt)
            for review in new_reviews:
                self.db.execute(
                    "INSERT INTO reviews (time, problem, rating) VALUES (?, ?, ?)",
                    (review["time"], review["problem"], review["rating"]),
                )
            self.db.execute("DELETE FROM cards")
            for review in _sorted(self.db.execute("SELECT * FROM reviews")):
                self._review(review["problem"], review["rating"], review["time"], log=False)
        return len(new_attempts), len(new_reviews)


def _sorted(rows: Iterable[sqlite3.Row]) -> Iterator[dict[str, Any]]:
    return iter(sorted((dict(r) for r in rows), key=lambda r: (parse_time(r["time"]), r["id"])))


def _key(record: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(record[f] for f in fields)


def _card_id(problem: str) -> int:
    return zlib.crc32(problem.encode())


_SCHEDULER: Any = None


def _scheduler() -> Any:
    """FSRS with its default parameters. No fuzzing: the same history gives the same dates."""
    global _SCHEDULER
    if _SCHEDULER is None:
        from fsrs import Scheduler

        _SCHEDULER = Scheduler(enable_fuzzing=False)
    return _SCHEDULER


def read_export(data: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records of an export, checked field by field before anything is written."""
    from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

    class _Attempt(BaseModel):
        model_config = ConfigDict(extra="forbid")
        time: StrictStr = Field(max_length=64)
        problem: StrictStr = Field(max_length=200)
        topic: StrictStr = Field(max_length=200)
        level: StrictInt = Field(ge=1, le=5)
        function: StrictStr = Field(max_length=100_000)
        answer: StrictStr | None = Field(max_length=100_000)
        verdict: StrictStr = Field(pattern="^(correct|incorrect|revealed)$")
        mistake: StrictStr | None = Field(max_length=200)
        hints: StrictInt = Field(ge=0, le=1000)
        seconds: float = Field(ge=0, le=1e9, allow_inf_nan=False)

    class _Review(BaseModel):
        model_config = ConfigDict(extra="forbid")
        time: StrictStr = Field(max_length=64)
        problem: StrictStr = Field(max_length=200)
        rating: StrictInt = Field(ge=1, le=4)

    class _Export(BaseModel):
        model_config = ConfigDict(extra="forbid")
        format: StrictStr = Field(pattern=f"^{EXPORT_FORMAT}$")
        version: StrictInt = Field(ge=1, le=SCHEMA_VERSION)
        attempts: list[_Attempt]
        reviews: list[_Review]

    try:
        parsed = _Export.model_validate(data)
        # A review from the future (9999-12-31) would schedule the next one past the calendar.
        latest = datetime.now(timezone.utc) + timedelta(days=1)
        for when in [a.time for a in parsed.attempts] + [r.time for r in parsed.reviews]:
            if parse_time(when) > latest:
                raise ValueError(f"{when!r} is in the future")
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(
            f"not a derivtutor progress export: {where}: {first['msg']} "
            f"({err.error_count()} problem{'s' * (err.error_count() != 1)} in all)"
        ) from None
    except ValueError as err:
        raise UsageError(f"not a derivtutor progress export: a bad time ({err})") from None
    # Times are kept in one form, UTC, so that they sort as text and match on a re-import.
    attempts = [{**a.model_dump(), "time": _utc(a.time)} for a in parsed.attempts]
    reviews = [{**r.model_dump(), "time": _utc(r.time)} for r in parsed.reviews]
    return attempts, reviews


def _utc(text: str) -> str:
    return parse_time(text).isoformat(timespec="milliseconds")


def _schema_objects(db: sqlite3.Connection) -> set[tuple[str, str, str]]:
    rows = db.execute("SELECT type, name, tbl_name FROM sqlite_master")
    return {(t, n, tbl) for t, n, tbl in rows if not n.startswith("sqlite_")}


def _foreign_objects(db: sqlite3.Connection) -> str | None:
    """What the store holds beyond derivtutor's schema: a planted trigger would be obeyed on
    every write (one that deletes each new attempt loses all progress silently)."""
    expected_db = sqlite3.connect(":memory:")
    try:
        expected_db.executescript(_SCHEMA)
        expected = _schema_objects(expected_db)
    finally:
        expected_db.close()
    extra = sorted(_schema_objects(db) - expected)
    if not extra:
        return None
    kind, name, _ = extra[0]
    return f"it holds a {kind} named {name!r}, which derivtutor's schema does not define"


# Any C0 control but tab and newline, DEL, or any C1 control, anywhere in the text.
_CONTROL_GLOB = (
    "'*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-'"
    " || char(159) || ']*'"
)

# A value each column must have for derivtutor to read it; the first row that fails is named.
_VALUE_CHECKS = (
    ("attempts", "time", "julianday(time) IS NULL"),
    ("attempts", "level", "typeof(level) != 'integer'"),
    ("attempts", "hints", "typeof(hints) != 'integer'"),
    ("attempts", "seconds", "typeof(seconds) NOT IN ('integer', 'real')"),
    ("reviews", "time", "julianday(time) IS NULL"),
    ("reviews", "rating", "typeof(rating) != 'integer' OR rating NOT BETWEEN 1 AND 4"),
    ("cards", "due", "julianday(due) IS NULL"),
    ("cards", "card", "NOT json_valid(card)"),
    # Text that stats and the quiz print: a control character planted here would be obeyed.
    *(
        (table, column, f"{column} GLOB {_CONTROL_GLOB}")
        for table, column in (
            ("attempts", "problem"), ("attempts", "topic"), ("attempts", "function"),
            ("attempts", "answer"), ("attempts", "mistake"), ("reviews", "problem"),
            ("cards", "problem"),
        )
    ),
)  # fmt: skip


def _unreadable_values(db: sqlite3.Connection) -> str | None:
    """A row that passes SQLite's own check but holds a value derivtutor cannot read (a time
    that is no time, a card that is no JSON): reported, never half-used."""
    for table, column, bad in _VALUE_CHECKS:
        key = "problem" if table == "cards" else "id"
        row = db.execute(f"SELECT {key} FROM {table} WHERE {bad} LIMIT 1").fetchone()  # noqa: S608
        if row is not None:
            return f"its {table}.{column} holds a value derivtutor cannot read ({key} {row[0]!r})"
    return None


def _strings(data: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included (bounded: load_export caught the nesting)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def load_export(text: str, name: str) -> Any:
    """An export's JSON, read from ``text`` (from the file ``name``), checked before any store
    is touched."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"{name} is not JSON: {err.msg} at line {err.lineno}") from None
    except RecursionError:
        raise UsageError(f"{name} is nested too deeply for a progress export") from None
    except ValueError:  # Python refuses to read an integer of more than 4300 digits
        raise UsageError(f"{name} holds a number too large for a progress export") from None
    if any(has_controls(text) for text in _strings(data)):
        # Topics and answers are printed by stats and the quiz: "\u001b]0;…" must not be.
        raise UsageError(f"{name} holds control characters, which no progress export has")
    read_export(data)  # a bad file is refused before any store is made
    return data


_FORCE = Parameter("force", True)  # the setting that allows an export to replace a file


def write_export(path: str, text: str, store: Path, force: bool) -> None:
    """Write an export without ever destroying something: not the store itself, not a file
    that exists (without ``force``), and not a device such as /dev/null (written, not
    replaced)."""
    target = os.path.abspath(path)
    if os.path.islink(target) and (os.path.isfile(target) or not os.path.exists(target)):
        # Never through a link to a file: a planted one would make the export overwrite its
        # target. (A link to a device, as /dev/stdout is, is written through below.)
        raise UsageError(f"{path} is a symbolic link: export to the file itself, not a link")
    if os.path.exists(target):
        if os.path.exists(store) and os.path.samefile(target, store):
            raise UsageError(f"{path} is the progress store itself: export to another file")
        if os.path.isdir(target):
            raise UsageError(f"{path} is a directory: give a file name, e.g. {path}/progress.json")
        if not os.path.isfile(target):  # a device or a pipe: write into it
            try:
                with open(target, "w", encoding="utf-8") as stream:
                    stream.write(text)
            except OSError as err:
                raise UsageError(f"cannot write {path}: {err.strerror}") from None
            return
        if not force:
            raise UsageError(
                Message(
                    "{path} exists already: pass {force} to replace it", path=path, force=_FORCE
                )
            )
    # Through a temporary file and a rename, so that a half-written export never exists.
    # mkstemp creates it with O_EXCL under a name no one can predict, so a link planted
    # beside the target is never followed.
    directory = os.path.dirname(target)
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
        with open(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as err:
        if temporary is not None and os.path.lexists(temporary):
            os.unlink(temporary)
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
