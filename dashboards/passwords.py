"""Password hashes: argon2id with its parameters in each hash, and the older scrypt hashes.

A hash made with other parameters (or by scrypt, before argon2) still verifies, and
``needs_upgrade`` says so: the account store rehashes it on the next successful sign-in.
"""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2id, 19 MiB, 2 passes, 1 lane: the OWASP password-storage minimum; about 25 ms a check
# on the 2-core build machine, so a sign-in stays quick and a guess stays costly.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

_HASHER = PasswordHasher(
    time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
)
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


def hash_password(password: str) -> str:
    """An argon2id hash in PHC format: ``$argon2id$v=19$m=...,t=...,p=...$salt$hash``."""
    return _HASHER.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (argon2, or a legacy ``scrypt$salt$digest``)."""
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_upgrade(stored: str) -> bool:
    """True for a scrypt hash and for an argon2 hash with other parameters than ours."""
    if stored.startswith("scrypt$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        _scheme, salt_hex, digest_hex = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_LEGACY_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)
