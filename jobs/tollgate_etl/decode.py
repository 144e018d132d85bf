"""Bytes -> physical lines, each decoded as strict UTF-8 on its own (docs/etl-rules.md)."""

_BOM = b"\xef\xbb\xbf"


def is_binary(data):
    """A file with a NUL byte is not text (UTF-16 included)."""
    return b"\x00" in data


def split_lines(data):
    """List of (line_number, text, valid): LF splits, CR before LF dropped, leading BOM dropped.

    Invalid lines are decoded with U+FFFD replacements (for the quarantine's raw text).
    """
    lines = []
    start = 3 if data[:3] == _BOM else 0
    n = 0
    while start < len(data):
        end = data.find(b"\n", start)
        nxt = len(data) if end == -1 else end + 1
        if end == -1:
            end = len(data)
        stop = end - 1 if end > start and data[end - 1] == 0x0D else end
        chunk = data[start:stop]
        try:
            text, valid = chunk.decode("utf-8"), True
        except UnicodeDecodeError:
            text, valid = chunk.decode("utf-8", "replace"), False
        n += 1
        lines.append((n, text, valid))
        start = nxt
    return lines
