"""The bare 4-service nameko chain of ``benchmarks/bare_chain.py`` (issue 15 item 2 a).

Plain nameko, no project imports: each service is one ``@event_handler`` → ``EventDispatcher``
hop, run as its own ``nameko run`` process, so the chain measures what the broker and nameko
cost without the platform's validation, stores and outboxes.

    bench_source.petition.submitted → bare_intake → petition.triaged
      → bare_risk → risk.proposed → bare_warning → warning.issued
      → bare_archive → file.recorded (read by the benchmark to know the chain drained)
"""

from __future__ import annotations

from nameko.events import EventDispatcher, event_handler


def passed_on(payload: dict, by: str) -> dict:
    """The payload with the hop that handled it, as a service adds its part to an envelope."""
    return dict(payload, hops=[*payload.get("hops", []), by])


class BareIntake:
    name = "bare_intake"
    dispatch = EventDispatcher()

    @event_handler("bench_source", "petition.submitted")
    def on_submitted(self, payload):
        self.dispatch("petition.triaged", passed_on(payload, self.name))


class BareRisk:
    name = "bare_risk"
    dispatch = EventDispatcher()

    @event_handler("bare_intake", "petition.triaged")
    def on_triaged(self, payload):
        self.dispatch("risk.proposed", passed_on(payload, self.name))


class BareWarning:
    name = "bare_warning"
    dispatch = EventDispatcher()

    @event_handler("bare_risk", "risk.proposed")
    def on_proposed(self, payload):
        self.dispatch("warning.issued", passed_on(payload, self.name))


class BareArchive:
    name = "bare_archive"
    dispatch = EventDispatcher()

    @event_handler("bare_warning", "warning.issued")
    def on_issued(self, payload):
        self.dispatch("file.recorded", passed_on(payload, self.name))
