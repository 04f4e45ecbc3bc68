"""argon2id password and client-secret hashes, with the memory they may take bounded.

Parameters follow OWASP's Password Storage Cheat Sheet for argon2id (m = 19 MiB, t = 2, p = 1).
Every verification — including the dummy one for an unknown user, which keeps response times
alike — holds one of ``HASH_SLOTS`` slots, so the hashes in flight never take more than
``HASH_SLOTS × 19 MiB`` however many requests arrive (the 64 MiB default of argon2-cffi took the
service past its memory limit with eight concurrent bad logins). A caller that cannot get a slot
within ``WAIT_SECONDS`` gets :class:`Busy` (the endpoints answer 503 with Retry-After).
Older hashes (other parameters) still verify; :func:`needs_rehash` tells when to store a new one.
"""

from __future__ import annotations

import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
HASH_SLOTS = int(os.environ.get("PASSWORD_HASH_SLOTS", "2"))
WAIT_SECONDS = float(os.environ.get("PASSWORD_HASH_WAIT_SECONDS", "10"))

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
_slots = threading.BoundedSemaphore(HASH_SLOTS)


class Busy(Exception):
    """Every hashing slot stayed taken for ``WAIT_SECONDS``: try again shortly."""


def _bounded(fn, *args):
    if not _slots.acquire(timeout=WAIT_SECONDS):
        raise Busy()
    try:
        return fn(*args)
    finally:
        _slots.release()


def hash_password(password: str) -> str:
    return _bounded(_hasher.hash, password)


# Verifying against this when the user does not exist keeps response times alike.
_DUMMY = _hasher.hash("not-a-real-password")


def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return _bounded(verify)


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
