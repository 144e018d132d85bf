"""A strict RFC 4180 reader over decoded lines, identical to packages/local/src/etl/csv.ts.

Not Python's csv module: it treats malformed quoting differently from csv-parse and does not
report where a multi-line record starts (see docs/adr/0002-etl-rules-shared-spec.md).
Streaming: it holds one record at a time (a record spanning lines holds those lines).
"""

from tollgate_etl.rules import MAX_RAW_CODE_POINTS


def read_csv(lines):
    """Records of a CSV file from (line_number, text, valid) lines: yields (start_line, raw, valid, fields or None)."""
    lines = iter(lines)
    for n, line, valid in lines:
        if line == "":
            continue
        first = n
        raw = [line]  # only the first MAX_RAW_CODE_POINTS code points are kept (the quarantine's limit)
        raw_length = len(line)
        fields = []
        pos = 0
        malformed = False
        while True:
            if not line.startswith('"', pos):
                comma = line.find(",", pos)
                fields.append(line[pos:] if comma == -1 else line[pos:comma])
                if comma == -1:
                    break
                pos = comma + 1
                continue
            parts = []
            pos += 1
            while True:
                quote = line.find('"', pos)
                if quote == -1:
                    parts.append(line[pos:] + "\n")
                    nxt = next(lines, None)
                    if nxt is None:
                        malformed = True  # quote still open at the end of the file
                        break
                    _, line, line_valid = nxt
                    valid = valid and line_valid
                    if raw_length <= MAX_RAW_CODE_POINTS:
                        raw.append(line)
                        raw_length += 1 + len(line)
                    pos = 0
                elif line.startswith('"', quote + 1):
                    parts.append(line[pos:quote] + '"')
                    pos = quote + 2
                else:
                    parts.append(line[pos:quote])
                    pos = quote + 1
                    break
            if malformed:
                break
            fields.append("".join(parts))
            if pos == len(line):
                break
            if line[pos] != ",":
                malformed = True  # text after a closing quote
                break
            pos += 1
        yield first, "\n".join(raw), valid, None if malformed else fields
