"""The integrity credit (廉政信用, issue 11 item 4; ``domain.credit``): recomputed when what it reads
changes (a record, a signal learnt from an event, the nightly sweep), kept on the dossier, and sent
to risk as ``archive.integrity_credit_changed`` in the same write whenever the score or its factors
change. An official with nothing against them keeps the base score without a write or an event.

The recomputation is part of evaluating the conditions (``conditions.evaluate`` with ``credit``:
the facts and the hits are computed once for both, and the dossier written once); this module
shows the credit as it is today."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.credit import CREDIT_RULES, Credit, integrity_credit
from ..persistence import Dossier, DossierView, Official
from .conditions import Evaluator, facts_of


def credit_of(
    evaluator: Evaluator,
    official: Official | Mapping,
    dossier: DossierView | Dossier | None,
    today,
    rules=CREDIT_RULES,
) -> Credit:
    facts = facts_of(official, dossier)
    return integrity_credit(facts, evaluator.rules.evaluate(facts, today, evaluator.calendar), today, rules)
