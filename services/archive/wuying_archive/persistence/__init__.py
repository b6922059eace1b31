"""mongoengine documents of the archive service (connection alias ``archive``) and its store.

An integrity file is written per event, the platform's hottest path, so every read and write of
it goes by ``_id`` (natural keys, see ``FileChain``); no secondary unique index is written per
event.

By family: ``common`` (alias, natural keys, county scopes), ``registry`` (units, officials, the
search), ``dossiers`` (what the conditions read), ``reminders`` (reminders, the sweep, the
calendar), ``files`` (integrity files and their append), ``checkpoints`` (signed checkpoints, the
export), ``supervision`` (draws, checks, inquiries, records, supervisors), ``review`` (the
integrity review, the access log) and ``store`` (``ArchiveStore``, composed of each family's reads
and writes). Other modules import from here; the families are an internal arrangement.
"""

from .checkpoints import Checkpoint, CheckpointChain, CheckpointStore
from .common import ALIAS, KEY_CHUNK, entry_key, head_key, recorded_key
from .dossiers import Dossier, DossierView, MatterDoc, SignalDoc, dossier_row, matter_record, signal_fact
from .files import APPEND_ATTEMPTS, FileChain, FileEntry, FileHead, FileStore, RecordedEvent
from .registry import ImportBatch, OccupancyDoc, Official, OfficialQuery, RegistryStore, Unit
from .reminders import CalendarYear, Reminder, ReminderStore, StepDoc, SweepRun
from .review import AccessLog, Review, ReviewPage, ReviewStore
from .store import ArchiveStore
from .supervision import (
    Draw,
    Inquiry,
    InquiryTally,
    ReportCheck,
    SupervisionRecord,
    SupervisionStore,
    Supervisor,
    TrailStep,
)

__all__ = [
    "ALIAS",
    "APPEND_ATTEMPTS",
    "KEY_CHUNK",
    "AccessLog",
    "ArchiveStore",
    "CalendarYear",
    "Checkpoint",
    "CheckpointChain",
    "CheckpointStore",
    "Dossier",
    "DossierView",
    "Draw",
    "FileChain",
    "FileEntry",
    "FileHead",
    "FileStore",
    "ImportBatch",
    "Inquiry",
    "InquiryTally",
    "MatterDoc",
    "OccupancyDoc",
    "Official",
    "OfficialQuery",
    "RecordedEvent",
    "RegistryStore",
    "Reminder",
    "ReminderStore",
    "ReportCheck",
    "Review",
    "ReviewPage",
    "ReviewStore",
    "SignalDoc",
    "StepDoc",
    "SupervisionRecord",
    "SupervisionStore",
    "Supervisor",
    "SweepRun",
    "TrailStep",
    "Unit",
    "dossier_row",
    "matter_record",
    "signal_fact",
    "entry_key",
    "head_key",
    "recorded_key",
]
