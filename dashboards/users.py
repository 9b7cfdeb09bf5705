"""Review UI accounts: names, roles and scrypt password hashes in ``users.sqlite3``.

The same file keeps the security log (sign-ins, refused actions), append-only like the
verdict history: triggers refuse every UPDATE and DELETE on it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from core.clock import now_utc

Role = Literal["reviewer", "analyst", "admin"]
ROLES: Final[tuple[str, ...]] = ("reviewer", "analyst", "admin")
USERS_FILE = "users.sqlite3"
# scrypt cost: n=2**14, r=8 is the interactive-login setting recommended by its author.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8

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


class UserError(ValueError):
    """A user cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def can(self, *roles: str) -> bool:
        return self.role in roles


@dataclass(frozen=True)
class SecurityEvent:
    at: datetime
    actor: str
    action: str
    target: str
    outcome: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=bytes.fromhex(salt_hex), **_SCRYPT
    )
    return hmac.compare_digest(digest.hex(), digest_hex)


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
        self._db.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> UserStore:
        return cls(data_dir / USERS_FILE)

    def add(self, name: str, role: str, password: str) -> User:
        if not _NAME.match(name):
            raise UserError(
                f"tên không hợp lệ {name!r}: 2-64 ký tự a-z, 0-9, '.', '_', '-' (invalid name)"
            )
        _check_role(role)
        if len(password) < MIN_PASSWORD:
            raise UserError(f"mật khẩu cần ít nhất {MIN_PASSWORD} ký tự (password too short)")
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT INTO users (name, role, password_hash, created_at) VALUES (?,?,?,?)",
                    (name, role, hash_password(password), now_utc().isoformat()),
                )
        except sqlite3.IntegrityError:
            raise UserError(f"người dùng {name!r} đã có (user exists)") from None
        return User(name, role)

    def remove(self, name: str) -> None:
        with self._lock, self._db:
            if not self._db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise UserError(f"không có người dùng {name!r} (no such user)")

    def set_role(self, name: str, role: str) -> User:
        _check_role(role)
        with self._lock, self._db:
            changed = self._db.execute(
                "UPDATE users SET role = ? WHERE name = ?", (role, name)
            ).rowcount
        if not changed:
            raise UserError(f"không có người dùng {name!r} (no such user)")
        return User(name, role)

    def get(self, name: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                "SELECT name, role FROM users WHERE name = ?", (name,)
            ).fetchone()
        return User(row[0], row[1]) if row else None

    def all(self) -> list[User]:
        with self._lock:
            rows = self._db.execute("SELECT name, role FROM users ORDER BY name").fetchall()
        return [User(name, role) for name, role in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, password_hash FROM users WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            verify_password(password, _DUMMY_HASH)
            return None
        return User(row[0], row[1]) if verify_password(password, row[2]) else None

    def log(self, actor: str, action: str, target: str, outcome: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO security_log (at, actor, action, target, outcome) VALUES (?,?,?,?,?)",
                (now_utc().isoformat(), actor, action, target, outcome),
            )

    def events(self, *, offset: int = 0, size: int = 100) -> list[SecurityEvent]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, actor, action, target, outcome FROM security_log "
                "ORDER BY seq DESC LIMIT ? OFFSET ?",
                (size, offset),
            ).fetchall()
        return [SecurityEvent(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"vai trò không hợp lệ {role!r}; chọn {', '.join(ROLES)} (invalid role)")
