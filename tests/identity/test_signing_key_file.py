"""Signing keys from a mounted Secret (SIGNING_KEYS_FILE): the active key signs, every listed key
verifies, and the database commands refuse to manage them."""

from __future__ import annotations

import json
import os

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from identity import keys
from identity.config import IdentitySettings


def _write(path, active, *jwks):
    path.write_text(json.dumps({"active": active, "keys": list(jwks)}))
    os.utime(path, None)


def test_the_active_key_signs_and_all_listed_keys_verify(tmp_path):
    old, new = keys.generate_private_jwk(), keys.generate_private_jwk()
    path = tmp_path / "signing-keys.json"
    _write(path, old["kid"], old)
    settings = IdentitySettings(signing_keys_file=str(path))
    token_old = jwt.encode({"alg": "RS256", "kid": old["kid"]}, {"sub": "x"}, keys.active_key(None, settings))

    # Rotation through the Secret: add the new key as active, keep the old one listed.
    _write(path, new["kid"], new, old)
    os.utime(path, (1, 1))  # a different mtime, as a Secret update gives
    assert keys.active_key(None, settings).kid == new["kid"]
    jwks = keys.public_jwks(None, settings)
    assert {k["kid"] for k in jwks["keys"]} == {old["kid"], new["kid"]}
    assert all("d" not in k for k in jwks["keys"])
    assert jwt.decode(token_old, KeySet.import_key_set(jwks)).claims["sub"] == "x"


def test_database_rotation_is_refused_when_keys_come_from_a_secret(tmp_path):
    key = keys.generate_private_jwk()
    path = tmp_path / "k.json"
    _write(path, key["kid"], key)
    settings = IdentitySettings(signing_keys_file=str(path))
    with pytest.raises(keys.KeyFileError):
        keys.rotate(None, settings=settings)
    with pytest.raises(keys.KeyFileError):
        keys.retire(None, key["kid"], settings=settings)


@pytest.mark.parametrize(
    "content",
    [
        {"keys": []},
        {"active": "nope", "keys": "REPLACE"},
        {"active": "k", "keys": [{"kid": "k", "kty": "RSA", "n": "x", "e": "AQAB"}]},  # public only
    ],
)
def test_a_malformed_key_file_is_refused(tmp_path, content):
    if content.get("keys") == "REPLACE":
        content["keys"] = [keys.generate_private_jwk()]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content))
    with pytest.raises(keys.KeyFileError):
        keys.active_key(None, IdentitySettings(signing_keys_file=str(path)))
