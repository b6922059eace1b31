"""Risk use cases, one module per family: (command, store, clock, rules) -> result. No nameko.

- ``registry``: risk's copy of the official registry (DESIGN.md §2: archive owns it).
- ``profiles``: dynamic risk profiles and warning proposals (DESIGN.md §4 Risk; 002/篇1 ⑤).
- ``powers``: power lists per post (000/A; 002/篇1 ⑴).
- ``risk_points``: five-step identification, evaluation, ranking, the 10% cap (002/篇1 ⑵②③; 000/A).
- ``signals``: where signals come from (intake, inspection, warning, archive, assessment imports).
- ``recompute``: the batch recompute of profiles after a rule change, and daily for decay.
- ``rules``: versioned rule data per commission (profile, evaluation, cadence, anomaly).
- ``reviews``: the review cadence, the overdue queue and its escalation (篇8 第二十二条).
- ``monitoring``: business-data import, anomaly scan and queries (seeds/003).
- ``calendar``: the province's calendar years (``calendar.year_loaded``) and their refresh.
"""
