"""Bytes -> physical lines, each decoded as strict UTF-8 on its own (docs/etl-rules.md), streaming."""

_BOM = b"\xef\xbb\xbf"


class BinaryFileError(Exception):
    """The file holds a NUL byte: it is not text (UTF-16 included)."""


def _line(n, data):
    if data.endswith(b"\r"):
        data = data[:-1]
    try:
        return n, data.decode("utf-8"), True
    except UnicodeDecodeError:
        return n, data.decode("utf-8", "replace"), False


def iter_lines(chunks):
    """Yields (line_number, text, valid) from an iterable of byte chunks, holding one line at a time.

    LF splits; a CR before LF (or at the end) is dropped; a UTF-8 BOM at the very start is dropped; a
    final LF does not start another line. Invalid lines are decoded with U+FFFD replacements (for the
    quarantine's raw text). Raises BinaryFileError at the first chunk holding a NUL byte.
    """
    n = 0
    carry = []  # pieces of the line being read (a line may span chunks)
    for chunk in chunks:
        if b"\x00" in chunk:
            raise BinaryFileError()
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            piece = chunk[start:end]
            if carry:
                carry.append(piece)
                piece = b"".join(carry)
                carry = []
            n += 1
            yield _line(n, _strip_bom(piece) if n == 1 else piece)
            start = end + 1
        if start < len(chunk):
            carry.append(chunk[start:])
    if carry:
        n += 1
        piece = b"".join(carry)
        yield _line(n, _strip_bom(piece) if n == 1 else piece)


def _strip_bom(first_line):
    return first_line[3:] if first_line.startswith(_BOM) else first_line


def split_lines(data):
    """All lines of a whole file (see iter_lines)."""
    return list(iter_lines([bytes(data)]))
