"""The integrity credit (廉政信用, issue 11 item 4; ``domain.credit``): recomputed when what it reads
changes (a record, a signal learnt from an event, the nightly sweep), kept on the dossier, and sent
to risk as ``archive.integrity_credit_changed`` in the same write whenever the score or its factors
change. An official with nothing against them keeps the base score without a write or an event."""

from __future__ import annotations

from collections.abc import Iterable

from wuying_common.clock import SystemClock, beijing_date
from wuying_common.errors import Conflict

from ..domain.credit import CREDIT_RULES, Credit, CreditRules, integrity_credit
from ..persistence import ArchiveStore, Dossier, Official
from ..schemas import INTEGRITY_CREDIT_CHANGED
from .conditions import Evaluator, facts_of


def credit_of(
    evaluator: Evaluator, official: Official | dict, dossier: Dossier | None, today, rules=CREDIT_RULES
) -> Credit:
    facts = facts_of(official, dossier)
    return integrity_credit(facts, evaluator.rules.evaluate(facts, today, evaluator.calendar), today, rules)


def _stored(credit: Credit) -> dict:
    return {
        "score": credit.score,
        "level": credit.level,
        "level_zh": credit.level_zh,
        "rule_version": credit.rule_version,
        "factors": [f.to_dict() for f in credit.factors],
    }


def refresh_credit(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    officials: Iterable[Official | dict],
    rules: CreditRules = CREDIT_RULES,
    dossiers: dict[str, Dossier] | None = None,
) -> int:
    """Recompute the credit of ``officials`` (documents or their stored rows); returns how many
    changed (each one write + event). ``dossiers`` (by official id) spares reading them again on
    the first try (a bulk import)."""
    today = beijing_date(clock.now())
    changed = 0
    for official in officials:
        oid, county = (
            (official["_id"], official["county"]) if isinstance(official, dict) else (official.id, official.county)
        )
        for attempt in range(3):
            dossier = dossiers.get(oid) if dossiers and not attempt else store.get(Dossier, oid)
            credit = credit_of(evaluator, official, dossier, today, rules)
            stored = dict(dossier.credit) if dossier and dossier.credit else None
            fresh = _stored(credit)
            if stored == fresh or (stored is None and credit.score == rules.base and not credit.factors):
                break
            dossier = dossier or Dossier(id=oid, county=county)
            dossier.credit = fresh
            dossier.record_event(
                INTEGRITY_CREDIT_CHANGED,
                dict(
                    fresh,
                    official_id=oid,
                    county=county,
                    previous_score=stored["score"] if stored else rules.base,
                    computed_on=today.isoformat(),
                ),
                now=clock.now(),
            )
            try:
                store.save(dossier) if dossier.version else store.add(dossier)
            except Conflict:
                continue
            changed += 1
            break
    return changed
