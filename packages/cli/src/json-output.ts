/**
 * The one shape of every `--json` document (docs/cli-json.md): an object whose first field is
 * `schemaVersion`, with the values Step Functions hands over as JSON text (an execution's or an
 * event's `input` and `output`, a task's `parameters`, an error's `cause` when it is JSON) parsed,
 * so nothing inside the document is JSON encoded twice.
 */
import { tryJsonParse } from "@tollgate/core/json";

/** The version of the `--json` shapes; it changes when a field is removed or changes meaning. */
export const JSON_SCHEMA_VERSION = 1;

/** Fields whose string values Step Functions encodes as JSON (DescribeExecution, GetExecutionHistory). */
const ENCODED_FIELDS = new Set(["input", "output", "parameters", "cause"]);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * `value` with the JSON text of {@link ENCODED_FIELDS} parsed where it holds an object or an array
 * (a cause that is plain text stays text).
 * @example decodeEncoded({ input: '{"dataset":"a"}', cause: "boom" }) // { input: { dataset: "a" }, cause: "boom" }
 */
export function decodeEncoded(value: unknown, field?: string): unknown {
  if (typeof value === "string") {
    if (field === undefined || !ENCODED_FIELDS.has(field)) return value;
    const parsed = tryJsonParse(value);
    return typeof parsed === "object" && parsed !== null ? parsed : value;
  }
  if (Array.isArray(value)) return value.map((v) => decodeEncoded(v));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeEncoded(v, k)]));
  return value;
}

/**
 * The `--json` document for `value`: `{ schemaVersion, ...value }`, encoded fields decoded, indented.
 * @example jsonDocument({ runs: [] }) // '{\n  "schemaVersion": 1,\n  "runs": []\n}'
 */
export function jsonDocument(value: object, indent = 2): string {
  if (Array.isArray(value)) throw new TypeError("a --json document is an object: name the list in a field");
  return JSON.stringify(
    { schemaVersion: JSON_SCHEMA_VERSION, ...(decodeEncoded({ ...value }) as object) },
    null,
    indent,
  );
}
