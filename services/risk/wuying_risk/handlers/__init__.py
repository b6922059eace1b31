"""Risk use cases, one module per family: (command, store, clock, rules) -> result. No nameko.

- ``registry``: risk's copy of the official registry (DESIGN.md §2: archive owns it).
- ``profiles``: dynamic risk profiles and warning proposals (DESIGN.md §4 Risk; 002/篇1 ⑤).
- ``powers``: power lists per post (000/A; 002/篇1 ⑴).
- ``risk_points``: five-step identification and evaluation (002/篇1 ⑵②③; 000/A).
"""
