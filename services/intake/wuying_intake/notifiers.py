"""Gateways that deliver a named reporter's acknowledgement (``handlers.acknowledgements.Notifier``).

The contact is handed over and forgotten: neither gateway stores or logs it, nor the text.
``LocalGateway`` (local runs, tests, pilots without a carrier) accepts the delivery and answers a
reference; ``HttpGateway`` posts it to the province's SMS/letter gateway
(``INTAKE_NOTIFIER_URL``) and answers the reference the gateway gives.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from .exceptions import NotifierUnavailable

log = logging.getLogger(__name__)


class LocalGateway:
    name = "local"

    def send(self, delivery_id: str, method: str, contact: str, text: str, county: str) -> str:
        log.info("acknowledgement %s handed to the local %s gateway", delivery_id, method, extra={"county": county})
        return f"local:{delivery_id}"


class HttpGateway:
    """POST ``{id, method, to, text, county}`` as JSON; 2xx with ``{"reference": …}`` is delivered."""

    name = "http"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url, self.timeout = url, timeout

    def send(self, delivery_id: str, method: str, contact: str, text: str, county: str) -> str:
        body = json.dumps(
            {"id": delivery_id, "method": method, "to": contact, "text": text, "county": county}, ensure_ascii=False
        ).encode("utf-8")
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except (urllib.error.URLError, OSError, ValueError):
            log.warning("acknowledgement %s: the gateway did not accept it", delivery_id, extra={"county": county})
            raise NotifierUnavailable() from None
        return str(answer.get("reference") or delivery_id)


def build_gateway(url: str | None, timeout: float = 10.0) -> LocalGateway | HttpGateway:
    return HttpGateway(url, timeout) if url else LocalGateway()
