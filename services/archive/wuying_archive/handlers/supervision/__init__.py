"""Personal-matters checks (000/D) and talk and letter inquiries (001 黑龙江), with their
reproducible draws (``domain.supervision``).

Roles: there is no supervision-department role on the platform; as for the reminders of issue 10,
``auditor`` (监督检查 / 干部监督室) commits and makes draws, records results and answers, and
``commission_leader`` approves an inquiry over the yearly cap and closes checks and inquiries.
A result that is an omission, a concealment or a concealed fact becomes a dossier record, which the
``undeclared_matters`` condition reads (a supervision reminder); a serious one is also a case clue
(``archive.case_clue_raised``).

By family: ``draws``, ``checks`` (000/D) and ``inquiries`` (001 黑龙江), on ``common`` (roles,
trail, events).
"""

from .checks import close_check, mandatory_check, open_check, record_check_result
from .common import LEADERS, READERS, SUPERVISORS, _official
from .draws import commit_draw, get_draw, make_draw
from .inquiries import inquiries_ordered, inquiry_step_taken, open_inquiry

__all__ = [
    "LEADERS",
    "READERS",
    "SUPERVISORS",
    "_official",
    "close_check",
    "commit_draw",
    "get_draw",
    "inquiries_ordered",
    "inquiry_step_taken",
    "make_draw",
    "mandatory_check",
    "open_check",
    "open_inquiry",
    "record_check_result",
]
