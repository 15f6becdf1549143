"""``brandguard model``: broker-less misuse is refused with a clear message (the broker
paths run in tests/integration/test_governance.py; the card is in test_model_card)."""

from __future__ import annotations

from streams.cli.main import main


def test_promote_needs_a_version() -> None:
    assert main(["model", "promote", "--bootstrap", "127.0.0.1:1"]) == 2
