"""Shared library of the Wuying services (无影灯廉政风险预警防控平台).

Everything every service needs lives here once: the CloudEvents envelope and event registry,
the embedded outbox and its relay, the MongoDB store provider, the JSON HTTP entrypoint with
OpenAPI generation, bearer-token authentication, Prometheus metrics and the official
working-day calendar.
"""

from . import messages_zh  # noqa: E402,F401  (Chinese validation messages before any schema is built)
