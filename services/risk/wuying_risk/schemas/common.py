"""What the risk service's schemas share: the service name, common validators, the ``Label``
field that dumps a code's Chinese label, and the small generic payloads."""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, fields, missing, validate

from wuying_common.events import COUNTY_CODE

SERVICE = "risk"
LEVEL = validate.OneOf(["low", "medium", "high"])
TEXT = validate.Length(min=1, max=2000)
SHORT = validate.Length(min=1, max=100)
KINDS = validate.OneOf(["ideological_moral", "institutional", "post_duty"])


class Label(fields.String):
    """The Chinese label of the code the dumped object keeps in ``source`` (dump only).

    A ``String`` to the outside, so the published API types it as a string; unknown codes
    show as themselves, or as null with ``known_only=True``. (marshmallow refuses two fields
    with the same ``attribute``, hence ``source``.)
    """

    def __init__(self, labels: Mapping[str, str], source: str, *, known_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.labels = labels
        self.source = source
        self.known_only = known_only

    def get_value(self, obj, attr, accessor=None, default=missing):
        return super().get_value(obj, self.source, accessor=accessor, default=default)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return self.labels.get(value, None if self.known_only else value)


class CountyQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)


class DeletedSchema(Schema):
    deleted = fields.String()
