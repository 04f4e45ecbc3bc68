"""argon2id password and client-secret hashes, with the memory they may take bounded.

Parameters follow OWASP's Password Storage Cheat Sheet for argon2id (m = 19 MiB, t = 2, p = 1).
Every hash and verification — including the dummy one for an unknown user, which keeps response
times alike — runs on one of ``HASH_SLOTS`` dedicated threads, so the hashes in flight (and the
memory the allocator keeps for them) never exceed ``HASH_SLOTS × 19 MiB`` however many requests arrive (the 64
  MiB default of argon2-cffi took the
service past its memory limit with eight concurrent bad logins). A caller that cannot get a slot
within ``WAIT_SECONDS`` gets :class:`Busy` (the endpoints answer 503 with Retry-After).
Older hashes (other parameters) still verify; :func:`needs_rehash` tells when to store a new one.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
HASH_SLOTS = int(os.environ.get("PASSWORD_HASH_SLOTS", "2"))
WAIT_SECONDS = float(os.environ.get("PASSWORD_HASH_WAIT_SECONDS", "10"))

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
# Hashing runs on its own HASH_SLOTS threads, not on whichever request thread asked: glibc keeps a
# freed 19 MiB block in the arena of the thread that used it, so 24 request threads hashing in
# turn held 24 arenas' worth (+200 MiB) even with two at a time. Two threads, two arenas.
_pool = ThreadPoolExecutor(max_workers=HASH_SLOTS, thread_name_prefix="argon2")


class Busy(Exception):
    """No hashing slot came free within ``WAIT_SECONDS``: try again shortly."""


def _bounded(fn, *args):
    future = _pool.submit(fn, *args)
    try:
        return future.result(timeout=WAIT_SECONDS)
    except FutureTimeout as exc:
        future.cancel()
        raise Busy() from exc


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
