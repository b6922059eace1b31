"""Providers of the inspection service."""

from __future__ import annotations

import logging
from collections.abc import Callable

from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .persistence import ALIAS, InspectionStore, Plan

log = logging.getLogger(__name__)


def inspection_store() -> StoreProvider:
    return StoreProvider(InspectionStore, ALIAS)


def inspection_outbox() -> OutboxRelay:
    return OutboxRelay(Plan)


class SolverRuns(DependencyProvider):
    """Campaign solves in the background, and their progress (per process: a replica answers
    the progress of the solves it runs; the campaign document holds every result)."""

    def setup(self) -> None:
        self.progress: dict[str, dict] = {}

    def get_dependency(self, worker_ctx) -> SolverRuns:
        return self

    def launch(self, key: str, work: Callable[[Callable[[dict], None]], object], failed: Callable[[], object]) -> None:
        self.progress[key] = {"stage": "queued"}
        self.container.spawn_managed_thread(lambda: self._run(key, work, failed))

    def _run(self, key, work, failed) -> None:
        def report(progress: dict) -> None:
            self.progress[key] = progress

        try:
            work(report)
            self.progress[key] = dict(self.progress.get(key) or {}, stage="finished")
        except Exception:  # the campaign must not stay "solving": put it back, keep the trace
            log.exception("campaign solve failed", extra={"campaign_id": key})
            self.progress[key] = {"stage": "failed"}
            failed()

    def of(self, key: str) -> dict | None:
        return self.progress.get(key)
