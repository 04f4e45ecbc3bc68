"""Domain events the identity service publishes: none. Other services learn of sign-outs and
revoked tokens from ``/oauth/revoked`` (polled by servicekit.auth), not from an event feed."""

from __future__ import annotations
