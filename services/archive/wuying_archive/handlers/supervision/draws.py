"""Reproducible draws (``domain.supervision``): commit to a seed, then draw with public entropy
and open what the draw calls for."""

from __future__ import annotations

import hashlib

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Conflict

from ...domain.supervision import (
    DRAW_PURPOSES_ZH,
    SUPERVISION_RULES,
    SupervisionRefused,
    commitment,
    draw,
    mandatory_reasons,
    new_seed,
    population_digest,
)
from ...exceptions import DrawNotFound
from ...persistence import ArchiveStore, Draw, Official
from ...schemas import DRAW_COMMITTED, DRAW_REVEALED
from .checks import open_check
from .common import READERS, SUPERVISORS


# -- draws ------------------------------------------------------------------------------------
def commit_draw(
    store: ArchiveStore, clock: SystemClock, principal: Principal, purpose: str, commission: str, period: str
) -> Draw:
    """Freeze the population and commit to a seed (its hash is published before the draw)."""
    principal.require_role(*SUPERVISORS)
    principal.require_county(commission)
    rules = SUPERVISION_RULES
    if purpose == "report_spot_check":
        if not period.isdigit():
            raise SupervisionRefused("period", "个人有关事项抽查按年度进行：period 为年份", "period_invalid")
        population, ratio, source = (
            store.reporters(commission, int(period)),
            rules.spot_check_ratio,
            rules.spot_check_source,
        )
    else:
        population = store.answered_undrawn_inquiries(commission)
        ratio, source = rules.inquiry_verify_ratio, rules.inquiry_verify_source
    if not population:
        raise SupervisionRefused("period", f"没有可供{DRAW_PURPOSES_ZH[purpose]}的对象", "empty_population")
    seed = new_seed()
    found = Draw(
        id=f"{purpose}/{commission}/{period}",
        purpose=purpose,
        county=commission,
        period=period,
        ratio=ratio,
        rule_version=rules.version,
        source=source,
        population=population,
        population_digest=population_digest(population),
        commitment=commitment(seed),
        seed=seed,
        committed_by=principal.subject,
        committed_at=naive_utc(clock.now()),
    )
    found.record_event(
        DRAW_COMMITTED,
        {
            "draw_id": found.id,
            "county": commission,
            "purpose": purpose,
            "period": period,
            "ratio": ratio,
            "rule_version": rules.version,
            "population_size": len(population),
            "population_digest": found.population_digest,
            "commitment": found.commitment,
            "committed_at": clock.now().isoformat(),
        },
        now=clock.now(),
    )
    try:
        return store.add(found)
    except Conflict:
        raise Conflict("该期次已承诺过随机种子，不能重新抽取", code="draw_exists") from None


def get_draw(store: ArchiveStore, principal: Principal, draw_id: str) -> Draw:
    principal.require_role(*READERS)
    found = store.get(Draw, draw_id)
    if found is None:
        raise DrawNotFound(fields={"id": draw_id})
    principal.require_county(found.county)
    return found


def make_draw(store: ArchiveStore, clock: SystemClock, principal: Principal, draw_id: str, public_entropy: str) -> Draw:
    """Draw with the public entropy, reveal the seed, and open what the draw calls for: a check
    per sampled or mandatory official, or the verification mark on sampled inquiries. Again on
    a drawn draw only finishes that work (a crash between the writes)."""
    principal.require_role(*SUPERVISORS)
    found = get_draw(store, principal, draw_id)
    if found.state == "committed":
        found.selected = draw(found.seed, public_entropy, list(found.population), found.ratio)
        found.public_entropy = public_entropy.strip()
        found.drawn_by, found.drawn_at, found.state = principal.subject, naive_utc(clock.now()), "drawn"
        if found.purpose == "report_spot_check":
            rows = store.official_rows(found.population)
            found.mandatory = {
                oid: reasons
                for oid, row in rows.items()
                if (reasons := mandatory_reasons(frozenset(row.get("tags", ()))))
            }
        found.record_event(
            DRAW_REVEALED,
            {
                "draw_id": found.id,
                "county": found.county,
                "purpose": found.purpose,
                "period": found.period,
                "seed": found.seed,
                "public_entropy": found.public_entropy,
                "selected_count": len(found.selected),
                "sample_digest": hashlib.sha256("\n".join(found.selected).encode()).hexdigest(),
                "drawn_at": clock.now().isoformat(),
            },
            now=clock.now(),
        )
        found = store.save(found)
    if found.purpose == "report_spot_check":
        year = int(found.period)
        wanted: dict[str, list[str]] = {oid: ["random"] for oid in found.selected}
        for oid, reasons in (found.mandatory or {}).items():
            wanted[oid] = [*wanted.get(oid, []), *reasons]
        for oid, reasons in sorted(wanted.items()):
            official = store.get(Official, oid)
            if official is not None:
                open_check(store, clock, official, year, reasons, found.id, principal.subject)
    else:
        store.set_sample_draw(list(found.population), found.id, set(found.selected))
    return found
