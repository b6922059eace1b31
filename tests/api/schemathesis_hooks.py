"""schemathesis hooks for tests/api/test_schemathesis.py (loaded by ``st`` through
``SCHEMATHESIS_HOOKS``, in schemathesis's own virtualenv; pytest does not import this file).

``cursor`` is the opaque token a list answered in ``next`` (``wuying_common.paging``): like an
id, only the API can make one, and a made-up token is refused with 400 naming ``cursor``. A
schema cannot say "a value this API issued", so schema-valid (positive) cases that carry a
made-up cursor are not sent; negative ones still are, and must be refused.
"""

import schemathesis
from schemathesis import GenerationMode


@schemathesis.hook
def filter_case(context, case):
    made_up_cursor = bool(case.query) and "cursor" in case.query
    return not (made_up_cursor and case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE)
