"""Review UI accounts: names, roles, argon2 password hashes and session epochs in ``users.sqlite3``.

Each account has a session epoch, a random value every session cookie of that account
carries: signing out, a password change, a role change or removing the account draws a new
one, so every cookie issued before stops working at once.

The same file keeps the security log (sign-ins, refusals with the client's address, account
changes), append-only like the verdict history: triggers refuse every UPDATE and DELETE on it.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from core.clock import now_utc
from dashboards.passwords import hash_password, needs_upgrade, verify_password

Role = Literal["reviewer", "analyst", "admin"]
ROLES: Final[tuple[str, ...]] = ("reviewer", "analyst", "admin")
USERS_FILE = "users.sqlite3"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS security_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS security_log_no_update BEFORE UPDATE ON security_log
BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS security_log_no_delete BEFORE DELETE ON security_log
BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;
"""
# Columns added after the first release; ``ALTER TABLE`` brings older files up to date.
_ADDED_COLUMNS = (
    ("users", "session_epoch", "TEXT NOT NULL DEFAULT ''"),
    ("security_log", "client", "TEXT NOT NULL DEFAULT ''"),
)
_INDEXES = """
CREATE INDEX IF NOT EXISTS security_log_actor ON security_log(actor, seq);
CREATE INDEX IF NOT EXISTS security_log_action ON security_log(action, seq);
"""


class UserError(ValueError):
    """A user cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    #: The account's current session epoch; a session cookie must carry the same.
    session_epoch: str = field(default="", repr=False, compare=False)

    def can(self, *roles: str) -> bool:
        return self.role in roles


@dataclass(frozen=True)
class SecurityEvent:
    at: datetime
    actor: str
    action: str
    target: str
    outcome: str
    client: str = ""


def _new_epoch() -> str:
    return secrets.token_hex(16)


# Verifying against this when the name is unknown costs the same time as a real check,
# so the login page does not tell which names exist.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


class UserStore:
    """Accounts and the security log, in one SQLite file of the data directory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL: a commit does not wait for the disk (a power cut may lose the last
        # events, never corrupt the file), so a flood of logged refusals does not hold up
        # the account lookups every page makes.
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)
            for table, column, spec in _ADDED_COLUMNS:
                present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {spec}")
            self._db.executescript(_INDEXES)
            # Accounts from before session epochs: their old cookies carry none, so they end.
            for (name,) in self._db.execute(
                "SELECT name FROM users WHERE session_epoch = ''"
            ).fetchall():
                self._db.execute(
                    "UPDATE users SET session_epoch = ? WHERE name = ?", (_new_epoch(), name)
                )

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> UserStore:
        return cls(data_dir / USERS_FILE)

    def add(self, name: str, role: str, password: str) -> User:
        if not _NAME.match(name):
            raise UserError(
                f"tên không hợp lệ {name!r}: 2-64 ký tự a-z, 0-9, '.', '_', '-' (invalid name)"
            )
        _check_role(role)
        hashed = hash_password(_checked_password(password))
        epoch = _new_epoch()
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT INTO users (name, role, password_hash, created_at, session_epoch) "
                    "VALUES (?,?,?,?,?)",
                    (name, role, hashed, now_utc().isoformat(), epoch),
                )
        except sqlite3.IntegrityError:
            raise UserError(f"người dùng {name!r} đã có (user exists)") from None
        return User(name, role, epoch)

    def remove(self, name: str) -> None:
        with self._lock, self._db:
            if not self._db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise UserError(f"không có người dùng {name!r} (no such user)")

    def set_role(self, name: str, role: str) -> User:
        """A new role, effective at once: the account's sessions end."""
        _check_role(role)
        epoch = _new_epoch()
        with self._lock, self._db:
            changed = self._db.execute(
                "UPDATE users SET role = ?, session_epoch = ? WHERE name = ?", (role, epoch, name)
            ).rowcount
        if not changed:
            raise UserError(f"không có người dùng {name!r} (no such user)")
        return User(name, role, epoch)

    def set_password(self, name: str, password: str) -> User:
        """A new password; every session of the account ends."""
        hashed = hash_password(_checked_password(password))
        epoch = _new_epoch()
        with self._lock, self._db:
            changed = self._db.execute(
                "UPDATE users SET password_hash = ?, session_epoch = ? WHERE name = ?",
                (hashed, epoch, name),
            ).rowcount
        if not changed:
            raise UserError(f"không có người dùng {name!r} (no such user)")
        user = self.get(name)
        assert user is not None
        return user

    def end_sessions(self, name: str) -> None:
        """Every session cookie of the account stops working (sign-out)."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE users SET session_epoch = ? WHERE name = ?", (_new_epoch(), name)
            )

    def get(self, name: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, session_epoch FROM users WHERE name = ?", (name,)
            ).fetchone()
        return User(row[0], row[1], row[2]) if row else None

    def for_session(self, name: str, epoch: str) -> User | None:
        """The account a session cookie names, if the cookie's epoch is still the account's."""
        user = self.get(name)
        if user is None or not epoch or not secrets.compare_digest(user.session_epoch, epoch):
            return None
        return user

    def all(self) -> list[User]:
        with self._lock:
            rows = self._db.execute(
                "SELECT name, role, session_epoch FROM users ORDER BY name"
            ).fetchall()
        return [User(name, role, epoch) for name, role, epoch in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        """The account if ``password`` is its password; an old hash is upgraded on the way.

        The hash is checked outside the lock: other requests do not wait for it."""
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, password_hash, session_epoch FROM users WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None:
            verify_password(password, _DUMMY_HASH)
            return None
        if not verify_password(password, row[2]):
            return None
        if needs_upgrade(row[2]):
            upgraded = hash_password(password)
            with self._lock, self._db:
                # Only if nobody changed the password meanwhile.
                self._db.execute(
                    "UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?",
                    (upgraded, row[0], row[2]),
                )
        return User(row[0], row[1], row[3])

    def log(
        self, actor: str, action: str, target: str, outcome: str, client: str = ""
    ) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO security_log (at, actor, action, target, outcome, client) "
                "VALUES (?,?,?,?,?,?)",
                (now_utc().isoformat(), actor[:64], action[:100], target[:500], outcome[:200],
                 client[:100]),
            )

    def events(
        self, *, actor: str | None = None, action: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
        offset: int = 0, size: int = 100,
    ) -> list[SecurityEvent]:
        """Security events, newest first; ``since`` inclusive, ``until`` exclusive."""
        where, params = _event_filter(actor, action, since, until)
        with self._lock:
            rows = self._db.execute(
                "SELECT at, actor, action, target, outcome, client FROM security_log "
                f"WHERE {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, size, offset],
            ).fetchall()
        return [SecurityEvent(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def count_events(
        self, *, actor: str | None = None, action: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> int:
        where, params = _event_filter(actor, action, since, until)
        with self._lock:
            row = self._db.execute(
                f"SELECT count(*) FROM security_log WHERE {where}", params
            ).fetchone()
        return int(row[0])

    def event_actions(self) -> list[str]:
        """Every kind of event the log holds (for the audit page's filter)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT action FROM security_log ORDER BY action"
            ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _event_filter(
    actor: str | None, action: str | None, since: datetime | None, until: datetime | None
) -> tuple[str, list[Any]]:
    clauses, params = ["1"], []
    if actor:
        clauses.append("actor = ?")
        params.append(actor)
    if action:
        clauses.append("action = ?")
        params.append(action)
    # ``at`` is ISO 8601 with its offset; julianday() compares instants, not strings.
    if since is not None:
        clauses.append("julianday(at) >= julianday(?)")
        params.append(since.isoformat())
    if until is not None:
        clauses.append("julianday(at) < julianday(?)")
        params.append(until.isoformat())
    return " AND ".join(clauses), params


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"mật khẩu cần ít nhất {MIN_PASSWORD} ký tự (password too short)")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"mật khẩu dài quá {MAX_PASSWORD} ký tự (password too long)")
    return password


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"vai trò không hợp lệ {role!r}; chọn {', '.join(ROLES)} (invalid role)")
