"""The ``Label`` field: Chinese labels computed in the Out schemas, never in handlers."""

from __future__ import annotations

from marshmallow import fields


class Label(fields.String):
    """The Chinese label of a code the object keeps in ``source`` (dump only)."""

    def __init__(self, labels, source: str, **kwargs) -> None:
        kwargs.setdefault("allow_none", True)  # no code, no label: null
        super().__init__(dump_only=True, **kwargs)
        self.labels = labels
        self.source = source

    def get_value(self, obj, attr, accessor=None, default=None):
        code = super().get_value(obj, self.source, accessor=accessor)
        return self.labels.get(code, code) if isinstance(code, str) else None
