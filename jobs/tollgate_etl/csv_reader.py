"""A strict RFC 4180 reader over decoded lines, identical to packages/local/src/etl/csv.ts.

Not Python's csv module: it treats malformed quoting differently from csv-parse and does not
report where a multi-line record starts (see docs/adr/0002-etl-rules-shared-spec.md).
"""


def read_csv(lines):
    """Records of a CSV file: list of (start_line, raw, valid, fields or None when malformed)."""
    records = []
    i = 0
    while i < len(lines):
        if lines[i][1] == "":
            i += 1
            continue
        first = i
        fields = []
        line = lines[i][1]
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
                    if i + 1 >= len(lines):
                        malformed = True  # quote still open at the end of the file
                        break
                    i += 1
                    line = lines[i][1]
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
        span = lines[first : i + 1]
        records.append(
            (
                lines[first][0],
                "\n".join(text for _, text, _ in span),
                all(valid for _, _, valid in span),
                None if malformed else fields,
            )
        )
        i += 1
    return records
