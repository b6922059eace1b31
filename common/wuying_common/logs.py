"""Structured logs: one JSON object per line, with the event id and county where known.

Log lines carry ids and codes, never a reporter's identity or a secret: callers pass only
those into ``extra``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_EXTRA = ("event_id", "event_type", "county", "service", "entrypoint")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _EXTRA:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
