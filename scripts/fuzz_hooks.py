"""schemathesis hooks of `npm run fuzz` (loaded through SCHEMATHESIS_HOOKS by scripts/fuzz-api.sh).

One thing the OpenAPI document cannot say: the 18th character of a unified social credit code
(GB 32100-2015) is a check character, computed modulo 31 over the first 17 (common/credit-code.ts).
The document publishes the pattern and says so in the description; the server refuses a code whose
check character is wrong (400). A generator that knows only the pattern makes codes that are
schema-valid but wrong, 30 times out of 31. So in a request that schemathesis means to be valid
(positive mode), every credit code in the path or the body gets its right check character before it
is sent; nothing else is changed, and requests meant to be invalid (negative mode) are left alone.

Likewise cross-parameter rules: the access log's `from` may not be after its `to` (400); in a
valid request the two are put in order. The SLA report's window [from, to) may not be empty (400),
`to` being now when it is not given and a date as `to` meaning that whole day (UTC): in a valid
request an empty window is put in order, or loses its `from` (the last 30 days up to `to`).
"""
import re
from datetime import datetime, timedelta, timezone

import schemathesis

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def with_check_character(code: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(code[:17], WEIGHTS))
    return code[:17] + ALPHABET[(31 - total % 31) % 31]


def _fix(value, key=None):
    if isinstance(value, dict):
        return {k: _fix(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix(v, key) for v in value]
    if key == "creditCode" and isinstance(value, str) and CODE.match(value):
        return with_check_character(value)
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is None or meta.generation.mode.is_negative:
        return
    if case.path_parameters and "creditCode" in case.path_parameters:
        case.path_parameters = _fix(case.path_parameters)
    if isinstance(case.body, (dict, list)):
        case.body = _fix(case.body)
    query = case.query or {}
    if case.operation.path == "/v1/reports/sla":
        case.query = _nonempty_window(query)
    elif isinstance(query.get("from"), str) and isinstance(query.get("to"), str):
        try:
            if _instant(query["from"]) > _instant(query["to"]):
                case.query = {**query, "from": query["to"], "to": query["from"]}
        except ValueError:
            pass


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def _bound(text: str, end: bool) -> datetime:
    """A window bound as the server reads it (api/sla-report.ts): a date is its UTC day, whole as `to`."""
    if "T" in text:
        return _instant(text)
    day = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    return day + timedelta(days=1) if end else day


def _nonempty_window(query: dict) -> dict:
    start, end = query.get("from"), query.get("to")
    if not isinstance(start, str):
        return query
    try:
        empty = lambda a, b: _bound(a, False) >= (_bound(b, True) if b is not None else datetime.now(timezone.utc))
        if not empty(start, end):
            return query
        if isinstance(end, str) and not empty(end, start):
            return {**query, "from": end, "to": start}
    except (ValueError, OverflowError):
        return query  # outside Python's years 1-9999: the server clamps such bounds itself
    return {k: v for k, v in query.items() if k != "from"}


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """The change log of a credit code outlives its entry by design (README, Key-SME list): after
    DELETE /v1/key-smes/{code}, GET …/{code}/history is still 200. That one use-after-free report is
    dropped; every other failure is kept. (A per-operation `use_after_free.enabled = false` is not
    honoured by the stateful phase of schemathesis 4.32.5.)"""
    return not (
        type(failure).__name__ == "UseAfterFree"
        and case.operation.method.upper() == "GET"
        and case.operation.path == "/v1/key-smes/{creditCode}/history"
    )
