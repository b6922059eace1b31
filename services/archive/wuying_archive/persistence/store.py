"""The archive's store, composed of each family's reads and writes."""

from __future__ import annotations

from .checkpoints import Checkpoint, CheckpointChain, CheckpointStore
from .dossiers import Dossier
from .files import FileEntry, FileHead, FileStore, RecordedEvent
from .registry import ImportBatch, Official, RegistryStore, Unit
from .reminders import CalendarYear, Reminder, ReminderStore, SweepRun
from .review import AccessLog, Review, ReviewPage, ReviewStore
from .supervision import Draw, Inquiry, InquiryTally, ReportCheck, SupervisionRecord, SupervisionStore, Supervisor


class ArchiveStore(RegistryStore, ReminderStore, CheckpointStore, SupervisionStore, ReviewStore, FileStore):
    """The archive's store: ``FileChain`` on by-key steps and every family's reads and writes."""

    documents = (
        Unit,
        Official,
        ImportBatch,
        FileEntry,
        FileHead,
        RecordedEvent,
        Dossier,
        Reminder,
        SweepRun,
        CalendarYear,
        AccessLog,
        Checkpoint,
        CheckpointChain,
        Draw,
        ReportCheck,
        InquiryTally,
        Inquiry,
        Review,
        ReviewPage,
        SupervisionRecord,
        Supervisor,
    )
