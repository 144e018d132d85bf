"""Stage 1 (runs on the executors): one raw file -> records, mirroring packages/local/src/etl/parse.ts.

A record is a tuple (source, line, raw, reason, text, label): `reason` set (quarantined, text and
label empty) or None with the fields as given. Files are read as a stream of chunks and records are
yielded one at a time, so memory holds one record, not the file.
"""

import json
import re

from tollgate_etl.csv_reader import read_csv
from tollgate_etl.decode import BinaryFileError, iter_lines
from tollgate_etl.rules import (
    MAX_JSON_DEPTH,
    MAX_RAW_CODE_POINTS,
    check_fields,
    format_of,
    normalize_whitespace,
)

_BLANK_RE = re.compile("[ \t]*")


def _record(source, line, raw, reason, text="", label=""):
    return (source, line, raw[:MAX_RAW_CODE_POINTS], reason, text, label)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _too_deep(value, depth):
    if isinstance(value, dict):
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    if depth > MAX_JSON_DEPTH:
        return True
    return any(_too_deep(child, depth + 1) for child in children)


def _parse_json_line(source, n, text, valid):
    if valid and _BLANK_RE.fullmatch(text):
        return None  # blank lines are not records
    if not valid:
        return _record(source, n, text, "invalid_utf8")
    try:
        # Numbers are not used: parse them cheaply (and past Python's 4300-digit int limit).
        value = json.loads(text, parse_constant=_reject_constant, parse_int=lambda _: 0, parse_float=lambda _: 0.0)
        too_deep = _too_deep(value, 1)
    except (ValueError, RecursionError):
        return _record(source, n, text, "malformed_json")
    if too_deep:
        return _record(source, n, text, "malformed_json")
    if not isinstance(value, dict):
        return _record(source, n, text, "not_an_object")
    reason = check_fields(value.get("text"), value.get("label"))
    if reason:
        return _record(source, n, text, reason)
    return _record(source, n, text, None, value["text"], value["label"])


def _parse_csv(source, lines):
    records = read_csv(lines)
    header = next(records, None)
    if header is None:
        return
    line, raw, valid, fields = header
    if not valid:
        yield _record(source, line, raw, "invalid_utf8")
        return
    if fields is None:
        yield _record(source, line, raw, "malformed_csv")
        return
    names = [normalize_whitespace(f) for f in fields]
    text_at = names.index("text") if "text" in names else -1
    label_at = names.index("label") if "label" in names else -1
    for line, raw, valid, fields in records:
        if not valid:
            yield _record(source, line, raw, "invalid_utf8")
        elif fields is None:
            yield _record(source, line, raw, "malformed_csv")
        elif len(fields) != len(names):
            yield _record(source, line, raw, "wrong_column_count")
        else:
            text = fields[text_at] if text_at >= 0 else None
            label = fields[label_at] if label_at >= 0 else None
            reason = check_fields(text, label)
            yield _record(source, line, raw, reason) if reason else _record(source, line, raw, None, text, label)


def parse_file(source, chunks):
    """Yields the records of one raw object (`source` is its key) read from an iterable of byte chunks.

    Never raises for bad content. A binary file (a NUL byte anywhere) ends with one `binary_file`
    record (line 0); the records yielded before the NUL was seen are dropped by the caller
    (transform.drop_binary_files), since a NUL may come late in a file read as a stream.
    """
    fmt = format_of(source)
    if fmt is None:
        yield _record(source, 0, "", "unsupported_format")
        return
    lines = iter_lines(chunks)
    try:
        if fmt == "csv":
            yield from _parse_csv(source, lines)
        else:
            for n, text, valid in lines:
                record = _parse_json_line(source, n, text, valid)
                if record is not None:
                    yield record
    except BinaryFileError:
        yield _record(source, 0, "", "binary_file")
