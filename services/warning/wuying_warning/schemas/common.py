"""What the warning service's schemas share: its event source name, the level, colour and id
validators, and the statuses of a warning (篇5 预警等级)."""

from __future__ import annotations

from marshmallow import validate

from ..domain import lifecycle

SERVICE = "warning"
LEVEL = validate.OneOf([3, 2, 1], error="预警等级必须是 3（蓝色）、2（黄色）或 1（红色）")
COLOUR = validate.OneOf(["blue", "yellow", "red"])
ID = validate.Length(min=1, max=64)
STATUSES = sorted(lifecycle.STATUSES)
