"""What every document module of the inspection service shares: the connection alias and how a
region code covers counties."""

from __future__ import annotations

ALIAS = "inspection"


def region_prefix(region: str) -> str:
    """GB/T 2260: a province code covers its first two digits, a city code its first four."""
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region
