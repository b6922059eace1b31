"""Providers of the archive service."""

import logging

from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .domain.checkpoints import Signer
from .domain.conditions import ConditionRules, condition_rules
from .persistence import (
    ALIAS,
    ArchiveStore,
    Checkpoint,
    Dossier,
    Draw,
    ImportBatch,
    Inquiry,
    Official,
    Reminder,
    ReportCheck,
    SupervisionRecord,
)

log = logging.getLogger(__name__)


def archive_store() -> StoreProvider:
    return StoreProvider(ArchiveStore, ALIAS)


def archive_outbox() -> OutboxRelay:
    return OutboxRelay(
        Official, ImportBatch, Reminder, Dossier, Checkpoint, Draw, ReportCheck, Inquiry, SupervisionRecord
    )


class ConditionRulesProvider(DependencyProvider):
    """The warning-condition rules in force (``CONDITION_RULES``); an unknown version stops the
    service at start-up rather than raising reminders under rules nobody chose."""

    def setup(self) -> None:
        self.rules = condition_rules(self.container.config.get("CONDITION_RULES") or None)

    def get_dependency(self, worker_ctx) -> ConditionRules:
        return self.rules


class CheckpointKey(DependencyProvider):
    """The Ed25519 key that signs checkpoints (``CHECKPOINT_KEY``: PEM or base64 seed, a secret
    from the environment). Without one, no checkpoint is signed and the service says so loudly;
    a malformed one stops the service at start-up."""

    def setup(self) -> None:
        self.signer = Signer.from_config(self.container.config.get("CHECKPOINT_KEY") or None)
        if self.signer is None:
            log.warning("CHECKPOINT_KEY is not set: archive signs NO checkpoints; files are not provable")
        else:
            log.info("checkpoints are signed with key %s", self.signer.key_id)

    def get_dependency(self, worker_ctx) -> Signer | None:
        return self.signer
