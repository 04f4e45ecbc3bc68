"""The examples in docs/api.md run as written, as the demo user each names (docs that rot are
worse than none)."""

from __future__ import annotations

import re

import pytest
from devstack import ROOT
from helpers import client_token, gql

BLOCKS = re.findall(r"```graphql\n(.*?)```", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("block", BLOCKS, ids=[re.search(r"# as: (\S+)", b).group(1) for b in BLOCKS])
def test_api_doc_example_runs(gateway, identity_url, user_token, block):
    who = re.search(r"# as: (\S+)", block).group(1)
    token = (
        client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read events:status")["access_token"]
        if who == "sfj-system"
        else user_token(who)
    )
    status, body = gql(gateway, block, token=token)
    assert status == 200 and not body.get("errors") and body["data"], body
