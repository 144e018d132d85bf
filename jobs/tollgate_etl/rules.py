"""The ETL rules as constants and small pure functions (spec: docs/etl-rules.md).

The patterns are regex sources that mean the same in Python, Java (Spark evaluates the content
checks) and JavaScript (the local runner, packages/local/src/etl/rules.ts).
"""

import hashlib
import re

#: Quarantine reason codes, in the order the checks run (the first failing one wins).
REASONS = (
    "unsupported_format",
    "binary_file",
    "invalid_utf8",
    "malformed_json",
    "malformed_csv",
    "not_an_object",
    "wrong_column_count",
    "missing_text",
    "text_not_string",
    "missing_label",
    "label_not_string",
    "invalid_character",
    "empty_text",
    "text_too_long",
    "empty_label",
    "label_too_long",
    "invalid_label",
    "conflicting_labels",
)

MAX_TEXT_CODE_POINTS = 100_000
MAX_LABEL_CODE_POINTS = 100
MAX_JSON_DEPTH = 64
MAX_RAW_CODE_POINTS = 1_000
#: A curated shard holds at most about this many rows...
SHARD_ROWS = 100_000
#: ...and about this many bytes of text and label (UTF-8): the shard count is chosen so that both hold.
SHARD_BYTES = 64 << 20
#: Quarantine records per quarantine shard (the sorted quarantine list cut every this many records).
QUARANTINE_ROWS = 10_000

#: Unicode White_Space except U+FEFF, listed because \s differs between languages.
WHITESPACE_PATTERN = (
    "[\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+"
)
#: A valid (normalised) label. Needs Unicode property classes: evaluated by Java in Spark.
LABEL_PATTERN = "^[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} ._:/+#-]*$"

_WHITESPACE_RE = re.compile(WHITESPACE_PATTERN)
_EDGE_SPACE_RE = re.compile("^ | $")
_INVALID_CHAR_RE = re.compile("[\ud800-\udfff\x00]")
_JSON_EXTENSIONS = (".jsonl", ".ndjson", ".json")


def format_of(key):
    """'jsonl', 'csv', or None for an unsupported extension (case-insensitive)."""
    lower = key.lower()
    if lower.endswith(_JSON_EXTENSIONS):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return None


def is_ignored_key(relative_key):
    """Folder markers, path segments starting with '_' or '.', and '._COPYING_' files are not sources."""
    if relative_key == "" or relative_key.endswith(("/", "._COPYING_")):
        return True
    return any(s.startswith(("_", ".")) for s in relative_key.split("/"))


def normalize_whitespace(value):
    """Every whitespace run becomes one space; one leading and one trailing space go."""
    return _EDGE_SPACE_RE.sub("", _WHITESPACE_RE.sub(" ", value))


def check_fields(text, label):
    """Presence and type checks: a reason, or None when both are clean strings."""
    if text is None:
        return "missing_text"
    if not isinstance(text, str):
        return "text_not_string"
    if label is None:
        return "missing_label"
    if not isinstance(label, str):
        return "label_not_string"
    if _INVALID_CHAR_RE.search(text) or _INVALID_CHAR_RE.search(label):
        return "invalid_character"
    return None


def sha256_hex(chunks):
    """Lowercase hex sha256 of str (UTF-8) or bytes chunks."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    return digest.hexdigest()


def shard_count(rows, payload_bytes, shard_rows=SHARD_ROWS, shard_bytes=SHARD_BYTES):
    """K: the fewest shards with at most `shard_rows` rows and `shard_bytes` text+label bytes each, on average."""
    return max(1, -(-rows // shard_rows), -(-payload_bytes // shard_bytes))


def shard_hash(text):
    """The first 4 bytes of sha256(UTF-8 text), big-endian: where a row falls in the hash space [0, 2^32)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


def shard_of(h, k):
    """The shard of hash `h` among `k`: shard i holds the i-th of k equal ranges of the hash space."""
    return (h * k) >> 32


def combine_digests(digests):
    """The dataset version (or a quarantine's name): sha256 of the shards' hex digests, one per line, in order."""
    return sha256_hex(d + "\n" for d in digests)
