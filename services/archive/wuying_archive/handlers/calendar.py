"""One calendar for the province (DESIGN.md §4: the calendar is loadable by an operator and a year
not loaded never crashes a deadline). warning publishes ``calendar.year_loaded`` when an operator
loads a year; the archive stores it by year, loads it into its calendar, recounts every open
reminder deadline that was provisional (recording the change in the reminder's trail), and every
replica refreshes its calendar from the stored years (the shape of intake's ``handlers/calendar``).
No directory of year files is read."""

from __future__ import annotations

import logging
from datetime import date

from wuying_common import calendar_years
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date

from ..domain.reminders import NEXT_STEP, REMINDER_RULES, due_after
from ..persistence import ArchiveStore, CalendarYear, Reminder, StepDoc

log = logging.getLogger(__name__)

BATCH = 500


def year_loaded(
    store: ArchiveStore, clock: SystemClock, calendar: WorkingDayCalendar, event_id: str, data: dict
) -> str:
    """Consume ``calendar.year_loaded`` (``wuying_common.calendar_years``), recounting open
    reminders whose deadline was provisional in that year."""
    return calendar_years.year_loaded(
        store,
        clock,
        calendar,
        event_id,
        data,
        CalendarYear,
        lambda year: recount_provisional(store, clock, calendar, year),
    )


def _counted_from(reminder: Reminder) -> date:
    """The day the current step became due: the last step that moved the state on."""
    moves = [s for s in reminder.steps if s.step in ("assigned", "acknowledge", "verify")]
    return date.fromisoformat(moves[-1].on if moves else reminder.created_on)


def recount_provisional(store: ArchiveStore, clock: SystemClock, calendar: WorkingDayCalendar, year: int) -> int:
    """Every open reminder whose deadline was provisional, counted again on the calendar as it is
    now; a moved deadline is kept in the trail (old date, new date, the year)."""
    changed, after = 0, ""
    while True:
        batch = store.provisional_reminders(after, BATCH)
        if not batch:
            return changed
        for reminder in batch:
            step = NEXT_STEP.get(reminder.state)
            if step is None:
                continue
            fresh = due_after(calendar, _counted_from(reminder), step, REMINDER_RULES)
            old = reminder.due_on
            reminder.due_provisional = fresh.provisional
            if fresh.date.isoformat() != old:
                reminder.due_on = fresh.date.isoformat()
                if reminder.escalate_on is not None:  # not escalated yet: the new date is the one watched
                    reminder.escalate_on = reminder.due_on
                reminder.steps = [
                    *reminder.steps,
                    StepDoc(
                        step="recounted",
                        by="system",
                        on=beijing_date(clock.now()).isoformat(),
                        at=clock.now(),
                        note=f"{year} 年节假日安排已载入：期限 {old} → {reminder.due_on}",
                    ),
                ]
                changed += 1
            store.save(reminder)  # a conflict: the event is retried, the work is idempotent
        after = batch[-1].id


def refresh_calendar(store: ArchiveStore, calendar: WorkingDayCalendar) -> list[int]:
    """The refresh timer: load the stored years this replica does not have as stored."""
    return calendar_years.refresh_calendar(store, calendar)
