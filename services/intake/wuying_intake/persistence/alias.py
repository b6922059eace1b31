"""The mongoengine connection alias of every intake document (``dependencies`` connects it)."""

ALIAS = "intake"
