"""Size and range limits of the wire contract (CONTRACT.md), shared by the decoders."""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_ID_CHARS", "MAX_LISTING_PHASHES", "MAX_PRICE", "MAX_RECORD_BYTES",
           "MAX_TITLE_CHARS"]

MAX_RECORD_BYTES: Final = 1_048_576
MAX_ID_CHARS: Final = 128
MAX_TITLE_CHARS: Final = 500
MAX_PRICE: Final = 10_000_000
MAX_LISTING_PHASHES: Final = 20
