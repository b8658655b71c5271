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

The text rule (common/text-rule.ts): no string may hold a lone UTF-16 surrogate, NUL or another
control character but tab, line feed and carriage return. String schemas carry it as their `pattern`,
so schemathesis (with `allow-x00 = true`) generates such characters only where a request is meant to
be invalid; free-form values (a case's `details`, whose shape the document cannot give) it cannot
describe, so in a valid request their refused characters are replaced by "?". And since schemathesis
never generates lone surrogates (it sends UTF-8), a request meant to be invalid gets one string of its
body made ill-formed here: a lone surrogate (sent as a JSON escape, valid JSON), NUL, ESC or
a C1 control, chosen from the request itself so that a replay sends the same thing. The server must
refuse it (negative_data_rejection) and never answer 5xx (not_a_server_error).
"""
import hashlib
import json
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


REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
ILL_FORMED = ["\udfff", "\ud800", "\x00", "\x1b[31m", "\x85"]
# What a URL or a UTF-8 CSV can carry (a lone surrogate has no UTF-8 form).
CONTROLS = ["\x00", "\x1b[31m", "\x85", "\x07"]


def _clean(value):
    """Refused characters replaced by '?', in keys and values (a valid request follows the text rule)."""
    if isinstance(value, str):
        return REFUSED.sub("?", value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _string_paths(value, path=()):
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _string_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _string_paths(v, path + (i,))


def _poison(value, seed: int, choices):
    """`value` with one of its strings made ill-formed (chosen by `seed`), or None if it has no string."""
    paths = list(_string_paths(value))
    if not paths:
        return None
    path = paths[seed % len(paths)]
    bad = choices[(seed // 7) % len(choices)]

    def put(v, rest):
        if not rest:
            return v[: len(v) // 2] + bad + v[len(v) // 2 :]
        if isinstance(v, dict):
            return {k: (put(x, rest[1:]) if k == rest[0] else x) for k, x in v.items()}
        return [put(x, rest[1:]) if i == rest[0] else x for i, x in enumerate(v)]

    return put(value, path)


def _seed(case) -> int:
    text = repr((case.operation.method, case.operation.path, case.body, case.query))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:4], "big")


def _send_ill_formed(case, kwargs):
    """A request meant to be invalid, sent with one string made ill-formed. A JSON body is passed as the
    request's bytes (`kwargs["data"]`, with lone surrogates as `\\u` escapes): the case itself keeps
    its generated body, since schemathesis re-validates an edited case as UTF-8 text, which a lone
    surrogate is not. A CSV body gets a control character."""
    seed = _seed(case)
    media = (case.media_type or "").lower()
    if isinstance(case.body, (dict, list, str)) and "json" in media:
        poisoned = _poison(case.body, seed, ILL_FORMED)
        if poisoned is not None:
            try:
                kwargs["data"] = json.dumps(poisoned).encode("ascii")
            except (TypeError, ValueError):
                pass
    elif isinstance(case.body, str) and "csv" in media:
        poisoned = _poison(case.body, seed, CONTROLS)
        if poisoned is not None:
            kwargs["data"] = poisoned.encode("utf-8")
    # Queries and paths are left as generated: schemathesis puts controls there itself where the
    # pattern says they are refused, and an edited query would be judged again as if valid.


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is None:
        return
    if meta.generation.mode.is_negative:
        _send_ill_formed(case, kwargs)
        return
    if isinstance(case.body, (dict, list, str)):
        case.body = _clean(case.body)
    if case.query:
        case.query = _clean(dict(case.query))
    if case.path_parameters:
        case.path_parameters = _clean(dict(case.path_parameters))
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
    """The change log of a credit code outlives its entry by design (docs/api.md, the key-SME list): after
    DELETE /v1/key-smes/{code}, GET …/{code}/history is still 200. That one use-after-free report is
    dropped; every other failure is kept. (A per-operation `use_after_free.enabled = false` is not
    honoured by the stateful phase of schemathesis 4.32.5.)"""
    return not (
        type(failure).__name__ == "UseAfterFree"
        and case.operation.method.upper() == "GET"
        and case.operation.path == "/v1/key-smes/{creditCode}/history"
    )
