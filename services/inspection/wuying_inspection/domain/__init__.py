"""Inspection domain rules (内部作风巡察). Pure: no nameko, mongoengine or marshmallow imports."""


class RuleViolation(ValueError):
    """Input that breaks a seed rule; ``field`` names the offending input for the 400 body."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
