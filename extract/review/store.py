"""Review state in `OUT_DIR/review.sqlite` (WAL): users, sessions, the append-only event log, the current state
rebuilt from it, short claims, and decisions that lost a race.

One decision is one small transaction (`BEGIN IMMEDIATE`): read the item's version, compare it with the decision's
base version, append the event, update the state. `item_state` is a cache of the log — `rebuild_state()` replays the
events and must give the same table. Undo appends a compensating event; nothing is ever deleted from `events`.

Tokens and session ids are random 256-bit strings; only their SHA-256 is stored (a fast hash is enough for secrets
of that entropy, and it keeps every request's lookup one indexed read).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ACTIONS = ("accept", "correct", "reject", "skip")
ROLES = ("reviewer", "admin")
REVIEWED = ("accepted", "corrected", "rejected")
STATUS_OF = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
SESSION_SECONDS = 12 * 3600
CLAIM_SECONDS = 120

SCHEMA = """
CREATE TABLE IF NOT EXISTS users(
    name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
    session_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), csrf TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS events(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL, kind TEXT NOT NULL, doc_id TEXT NOT NULL,
    user TEXT NOT NULL, ts REAL NOT NULL, action TEXT NOT NULL,
    before TEXT, after TEXT,
    base_version INTEGER NOT NULL, version INTEGER,
    model_version TEXT, seconds REAL, note TEXT,
    undoes INTEGER REFERENCES events(seq), request_id TEXT UNIQUE,
    UNIQUE(item_id, version));
CREATE INDEX IF NOT EXISTS events_item ON events(item_id, seq);
CREATE INDEX IF NOT EXISTS events_user ON events(user, seq);
CREATE TABLE IF NOT EXISTS item_state(
    item_id TEXT PRIMARY KEY, kind TEXT NOT NULL, doc_id TEXT NOT NULL, version INTEGER NOT NULL,
    status TEXT NOT NULL, state TEXT, user TEXT NOT NULL, ts REAL NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS claims(item_id TEXT PRIMARY KEY, user TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS stale_decisions(
    id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL, user TEXT NOT NULL, ts REAL NOT NULL,
    action TEXT NOT NULL, base_version INTEGER NOT NULL, found_version INTEGER NOT NULL, after TEXT);
"""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    name: str
    role: str


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


@dataclass(frozen=True)
class ItemState:
    item_id: str
    version: int
    status: str
    """"open" (never decided, or every decision undone), "accepted", "corrected" or "rejected"."""
    state: dict | None
    """What the last effective decision says the item is ({"action", "payload"}), None when open."""
    user: str | None = None
    ts: float | None = None


OPEN = "open"


@dataclass(frozen=True)
class Entry:
    """One decision to log: who did what to which item, on which version of it."""

    item_id: str
    kind: str
    doc_id: str
    user: str
    action: str
    base_version: int
    after: dict | None = None
    """The state the decision gives the item (`extract.review.decisions.decision_after`); None for a skip."""
    model_version: str = ""
    seconds: float | None = None
    note: str | None = None
    request_id: str | None = None
    """An idempotency key: a retried request with the same id is answered with the first one's event."""
    undoes: int | None = None


class Conflict(Exception):
    """The decision was based on an older version of the item."""

    def __init__(self, current: ItemState) -> None:
        super().__init__(f"item {current.item_id} is at version {current.version}")
        self.current = current


class NothingToUndo(LookupError):
    pass


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        with self._tx() as db:
            db.executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    def _tx(self) -> _Transaction:
        return _Transaction(self._db())

    # users and sessions -------------------------------------------------------------------------------------------

    def add_user(self, name: str, role: str = "reviewer") -> str:
        """Create the user (or give an existing one a new token); returns the token, which is not stored."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute(
                "INSERT INTO users(name, role, token_hash, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET role = excluded.role, token_hash = excluded.token_hash",
                (name, role, digest(token), time.time()),
            )
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
        return token

    def user_for_token(self, token: str) -> User | None:
        row = self._db().execute("SELECT name, role FROM users WHERE token_hash = ?", (digest(token),)).fetchone()
        return User(row["name"], row["role"]) if row else None

    def users(self) -> list[User]:
        return [User(r["name"], r["role"]) for r in self._db().execute("SELECT name, role FROM users ORDER BY name")]

    def open_session(self, user: User) -> tuple[str, str]:
        """A new session for the user: (session id for the cookie, CSRF token for its forms)."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)", (digest(session_id), user.name, csrf, time.time() + SESSION_SECONDS)
            )
        return session_id, csrf

    def session(self, session_id: str) -> Session | None:
        row = (
            self._db()
            .execute(
                "SELECT u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.name = s.user "
                "WHERE s.session_hash = ? AND s.expires > ?",
                (digest(session_id), time.time()),
            )
            .fetchone()
        )
        return Session(User(row["name"], row["role"]), row["csrf"]) if row else None

    def close_session(self, session_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE session_hash = ?", (digest(session_id),))

    # state ------------------------------------------------------------------------------------------------------------

    def state(self, item_id: str) -> ItemState:
        return self._state(self._db(), item_id)

    @staticmethod
    def _state(db: sqlite3.Connection, item_id: str) -> ItemState:
        row = db.execute("SELECT * FROM item_state WHERE item_id = ?", (item_id,)).fetchone()
        if row is None:
            return ItemState(item_id, 0, OPEN, None)
        return ItemState(
            item_id, row["version"], row["status"], json.loads(row["state"]) if row["state"] else None, row["user"], row["ts"]
        )

    def states(self, kind: str | None = None) -> dict[str, ItemState]:
        query, args = "SELECT * FROM item_state", ()
        if kind:
            query, args = query + " WHERE kind = ?", (kind,)
        return {
            r["item_id"]: ItemState(
                r["item_id"], r["version"], r["status"], json.loads(r["state"]) if r["state"] else None, r["user"], r["ts"]
            )
            for r in self._db().execute(query, args)
        }

    def skipped_by(self, user: str) -> set[str]:
        """Items the user skipped since their last change (a skip moves an item out of that user's queue)."""
        rows = self._db().execute(
            "SELECT e.item_id FROM events e LEFT JOIN item_state s ON s.item_id = e.item_id "
            "WHERE e.user = ? AND e.action = 'skip' AND e.seq > COALESCE(s.seq, 0)",
            (user,),
        )
        return {r["item_id"] for r in rows}

    # claims -----------------------------------------------------------------------------------------------------------

    def claim(self, item_id: str, user: str, seconds: float = CLAIM_SECONDS) -> bool:
        """Claim the item for a short while; False when another user holds a live claim on it."""
        now = time.time()
        with self._tx() as db:
            row = db.execute("SELECT user, expires FROM claims WHERE item_id = ?", (item_id,)).fetchone()
            if row and row["user"] != user and row["expires"] > now:
                return False
            db.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?)", (item_id, user, now + seconds))
            return True

    def claimed_by_others(self, user: str) -> set[str]:
        rows = self._db().execute("SELECT item_id FROM claims WHERE user != ? AND expires > ?", (user, time.time()))
        return {r["item_id"] for r in rows}

    # events -----------------------------------------------------------------------------------------------------------

    def decide(self, entry: Entry) -> dict:
        """Append one decision; returns the event. A skip is logged but changes neither state nor version."""
        if entry.action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
        with self._tx() as db:
            if entry.request_id and (
                done := db.execute("SELECT * FROM events WHERE request_id = ?", (entry.request_id,)).fetchone()
            ):
                return dict(done)  # a retried request: the first one counted
            current = self._state(db, entry.item_id)
            if entry.action == "skip":
                return self._append(db, entry, current.state, None)
            if entry.base_version != current.version:
                db.execute(
                    "INSERT INTO stale_decisions(item_id, user, ts, action, base_version, found_version, after) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.item_id,
                        entry.user,
                        time.time(),
                        entry.action,
                        entry.base_version,
                        current.version,
                        _dump(entry.after),
                    ),
                )
                db.commit_anyway = True
                raise Conflict(current)
            event = self._append(db, entry, current.state, current.version + 1)
            db.execute("DELETE FROM claims WHERE item_id = ?", (entry.item_id,))
            return event

    def undo(self, *, item_id: str, user: str, base_version: int, note: str | None = None) -> dict:
        """Compensate the decision that made the item's current version (an undo of an undo redoes)."""
        with self._tx() as db:
            current = self._state(db, item_id)
            if base_version != current.version:
                raise Conflict(current)
            last = db.execute("SELECT * FROM events WHERE item_id = ? AND version = ?", (item_id, current.version)).fetchone()
            if last is None:
                raise NothingToUndo(item_id)
            entry = Entry(
                item_id,
                last["kind"],
                last["doc_id"],
                user,
                "undo",
                base_version,
                _load(last["before"]),
                last["model_version"],
                note=note,
                undoes=last["seq"],
            )
            return self._append(db, entry, current.state, current.version + 1)

    def last_decision_of(self, user: str) -> dict | None:
        """The user's latest decision that still stands (its item is still at the version it made)."""
        row = (
            self._db()
            .execute(
                "SELECT e.* FROM events e JOIN item_state s ON s.item_id = e.item_id AND s.version = e.version "
                "WHERE e.user = ? AND e.action != 'skip' ORDER BY e.seq DESC LIMIT 1",
                (user,),
            )
            .fetchone()
        )
        return dict(row) if row else None

    @staticmethod
    def _append(db: _Transaction, entry: Entry, before: dict | None, version: int | None) -> dict:
        """Log the entry; a versioned one (not a skip) also becomes the item's state."""
        after = before if version is None else entry.after
        cursor = db.execute(
            "INSERT INTO events(item_id, kind, doc_id, user, ts, action, before, after, base_version, version, model_version, "
            "seconds, note, undoes, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.item_id,
                entry.kind,
                entry.doc_id,
                entry.user,
                time.time(),
                entry.action,
                _dump(before),
                _dump(after),
                entry.base_version,
                version,
                entry.model_version,
                entry.seconds,
                entry.note,
                entry.undoes,
                entry.request_id,
            ),
        )
        event = db.execute("SELECT * FROM events WHERE seq = ?", (cursor.lastrowid,)).fetchone()
        if version is not None:
            _put_state(db, event)
        return dict(event)

    def events(self, item_id: str | None = None) -> list[dict]:
        if item_id is None:
            rows = self._db().execute("SELECT * FROM events ORDER BY seq")
        else:
            rows = self._db().execute("SELECT * FROM events WHERE item_id = ? ORDER BY seq", (item_id,))
        return [{**dict(r), "before": _load(r["before"]), "after": _load(r["after"])} for r in rows]

    def stale_decisions(self, item_id: str) -> list[dict]:
        rows = self._db().execute("SELECT * FROM stale_decisions WHERE item_id = ? ORDER BY id", (item_id,))
        return [{**dict(r), "after": _load(r["after"])} for r in rows]

    def rebuild_state(self) -> None:
        """Recompute `item_state` from the event log alone."""
        with self._tx() as db:
            db.execute("DELETE FROM item_state")
            for event in db.execute("SELECT * FROM events WHERE version IS NOT NULL ORDER BY seq").fetchall():
                _put_state(db, event)


def _put_state(db: _Transaction, event: sqlite3.Row) -> None:
    db.execute(
        "INSERT OR REPLACE INTO item_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event["item_id"],
            event["kind"],
            event["doc_id"],
            event["version"],
            _status(_load(event["after"])),
            event["after"],
            event["user"],
            event["ts"],
            event["seq"],
        ),
    )


def _status(after: dict | None) -> str:
    return STATUS_OF[after["action"]] if after else OPEN


def _dump(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _load(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)


class _Transaction:
    """`BEGIN IMMEDIATE` … `COMMIT` (or `ROLLBACK` on an exception, unless `commit_anyway` was set)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> _Transaction:
        self.db.execute("BEGIN IMMEDIATE")
        self.commit_anyway = False
        return self

    def execute(self, *args) -> sqlite3.Cursor:
        return self.db.execute(*args)

    def executescript(self, script: str) -> None:
        for statement in filter(str.strip, script.split(";")):
            self.db.execute(statement)

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("COMMIT" if exc_type is None or self.commit_anyway else "ROLLBACK")
