/**
 * The intrinsic functions of the Amazon States Language (JSONPath), e.g.
 * `States.Format('runs/{}/manifest.json', $$.Execution.Name)`: a small parser and the 18 functions
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
 */
import { createHash, randomInt, randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { States, StatesError } from "./errors.ts";

type Resolve = (path: string) => unknown;
type Fn = (args: unknown[]) => unknown;

const fail = (message: string) => new StatesError(States.IntrinsicFailure, message);

/** Evaluates one intrinsic call; `resolve` answers the Paths among its arguments. */
export function evaluateIntrinsic(expression: string, resolve: Resolve): unknown {
  const parser = new Parser(expression, resolve);
  const value = parser.call();
  parser.end();
  return value;
}

class Parser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly resolve: Resolve,
  ) {}

  call(): unknown {
    const name = this.match(/^States\.[A-Za-z0-9]+/);
    if (!name) throw fail(`not an intrinsic function: ${this.text}`);
    const fn = FUNCTIONS[name];
    if (!fn) throw fail(`unknown intrinsic function ${name}`);
    this.expect("(");
    const args: unknown[] = [];
    this.space();
    if (this.peek() !== ")") {
      for (;;) {
        args.push(this.argument());
        this.space();
        if (this.peek() === ",") {
          this.at++;
          continue;
        }
        break;
      }
    }
    this.expect(")");
    const [min, max] = fn.args;
    if (args.length < min || args.length > max) throw fail(`${name} got ${args.length} argument(s)`);
    return fn.run(args);
  }

  end(): void {
    this.space();
    if (this.at !== this.text.length) throw fail(`unexpected text after the call in ${this.text}`);
  }

  private argument(): unknown {
    this.space();
    const c = this.peek();
    if (c === "'") return this.string();
    if (c === "$") return this.resolve(this.pathText());
    if (this.text.startsWith("States.", this.at)) return this.call();
    const literal = this.match(/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/);
    if (literal === undefined) throw fail(`cannot read an argument at position ${this.at} of ${this.text}`);
    return JSON.parse(literal) as unknown;
  }

  /** A quoted string: `\'`, `\\`, `\{` and `\}` are escapes (the braces stay escaped for Format). */
  private string(): string {
    this.at++;
    let out = "";
    while (this.at < this.text.length) {
      const c = this.text[this.at++] as string;
      if (c === "'") return out;
      if (c === "\\") {
        const next = this.text[this.at++] ?? "";
        out += next === "{" || next === "}" ? `\\${next}` : next;
      } else out += c;
    }
    throw fail(`unterminated string in ${this.text}`);
  }

  /** A Path argument runs to the next top-level comma or closing parenthesis. */
  private pathText(): string {
    const start = this.at;
    let depth = 0;
    let quote: string | undefined;
    for (; this.at < this.text.length; this.at++) {
      const c = this.text[this.at] as string;
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "[" || c === "(") depth++;
      else if ((c === "]" || c === ")") && depth > 0) depth--;
      else if ((c === "," || c === ")") && depth === 0) break;
    }
    return this.text.slice(start, this.at).trim();
  }

  private match(re: RegExp): string | undefined {
    const m = re.exec(this.text.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return m[0];
  }
  private peek(): string | undefined {
    return this.text[this.at];
  }
  private space(): void {
    while (this.peek() === " ") this.at++;
  }
  private expect(c: string): void {
    this.space();
    if (this.peek() !== c) throw fail(`expected '${c}' at position ${this.at} of ${this.text}`);
    this.at++;
  }
}

const isInt = (v: unknown): v is number => Number.isInteger(v);
function need<T>(ok: boolean, value: T, message: string): T {
  if (!ok) throw fail(message);
  return value;
}
const arrayArg = (v: unknown, fn: string) => need(Array.isArray(v), v as unknown[], `${fn} expects an array`);
const stringArg = (v: unknown, fn: string) => need(typeof v === "string", v as string, `${fn} expects a string`);
const intArg = (v: unknown, fn: string) => need(isInt(v), v as number, `${fn} expects an integer`);

function format([template, ...values]: unknown[]): string {
  const text = stringArg(template, "States.Format");
  let i = 0;
  const out = text.replace(/\\[{}]|\{\}/g, (token) => {
    if (token !== "{}") return token.slice(1);
    if (i >= values.length) throw fail("States.Format has more {} than arguments");
    const value = values[i++];
    if (value !== null && typeof value === "object") throw fail("States.Format arguments must be scalars");
    return typeof value === "string" ? value : JSON.stringify(value);
  });
  if (i !== values.length) throw fail("States.Format has more arguments than {}");
  return out;
}

function range(args: unknown[]): number[] {
  const [start, end, step] = args.map((a) => intArg(a, "States.ArrayRange")) as [number, number, number];
  if (step <= 0) throw fail("States.ArrayRange step must be positive");
  const out: number[] = [];
  for (let v = start; v <= end; v += step) {
    out.push(v);
    if (out.length > 1000) throw fail("States.ArrayRange may return at most 1000 items");
  }
  return out;
}

const HASHES: Record<string, string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

/** Each function with how many arguments it takes ([min, max]). */
const FUNCTIONS: Record<string, { args: [number, number]; run: Fn }> = {
  "States.Format": { args: [1, Number.POSITIVE_INFINITY], run: format },
  "States.StringToJson": {
    args: [1, 1],
    run: ([text]) => {
      try {
        return JSON.parse(stringArg(text, "States.StringToJson")) as unknown;
      } catch (err) {
        throw err instanceof StatesError ? err : fail(`States.StringToJson: ${(err as Error).message}`);
      }
    },
  },
  "States.JsonToString": { args: [1, 1], run: ([value]) => JSON.stringify(value) },
  "States.Array": { args: [0, Number.POSITIVE_INFINITY], run: (args) => args },
  "States.ArrayPartition": {
    args: [2, 2],
    run: ([array, chunk]) => {
      const items = arrayArg(array, "States.ArrayPartition");
      const size = intArg(chunk, "States.ArrayPartition");
      if (size <= 0) throw fail("States.ArrayPartition chunk size must be positive");
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      return out;
    },
  },
  "States.ArrayContains": {
    args: [2, 2],
    run: ([array, value]) => arrayArg(array, "States.ArrayContains").some((v) => isDeepStrictEqual(v, value)),
  },
  "States.ArrayRange": { args: [3, 3], run: range },
  "States.ArrayGetItem": {
    args: [2, 2],
    run: ([array, at]) => {
      const items = arrayArg(array, "States.ArrayGetItem");
      const index = intArg(at, "States.ArrayGetItem");
      if (index < 0 || index >= items.length) throw fail(`States.ArrayGetItem index ${index} is out of bounds`);
      return items[index];
    },
  },
  "States.ArrayLength": { args: [1, 1], run: ([array]) => arrayArg(array, "States.ArrayLength").length },
  "States.ArrayUnique": {
    args: [1, 1],
    run: ([array]) => {
      const out: unknown[] = [];
      for (const v of arrayArg(array, "States.ArrayUnique")) if (!out.some((u) => isDeepStrictEqual(u, v))) out.push(v);
      return out;
    },
  },
  "States.Base64Encode": {
    args: [1, 1],
    run: ([text]) => Buffer.from(stringArg(text, "States.Base64Encode"), "utf8").toString("base64"),
  },
  "States.Base64Decode": {
    args: [1, 1],
    run: ([text]) => Buffer.from(stringArg(text, "States.Base64Decode"), "base64").toString("utf8"),
  },
  "States.Hash": {
    args: [2, 2],
    run: ([data, name]) => {
      const algorithm = HASHES[stringArg(name, "States.Hash")];
      if (!algorithm) throw fail(`States.Hash algorithm must be one of ${Object.keys(HASHES).join(", ")}`);
      return createHash(algorithm)
        .update(typeof data === "string" ? data : JSON.stringify(data))
        .digest("hex");
    },
  },
  "States.JsonMerge": {
    args: [3, 3],
    run: ([a, b, deep]) => {
      if (deep !== false) throw fail("States.JsonMerge supports only a shallow merge (third argument false)");
      const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
      if (!isObj(a) || !isObj(b)) throw fail("States.JsonMerge expects two objects");
      return { ...(a as object), ...(b as object) };
    },
  },
  "States.MathRandom": {
    args: [2, 3],
    run: ([from, to]) => {
      const [start, end] = [intArg(from, "States.MathRandom"), intArg(to, "States.MathRandom")];
      if (end <= start) throw fail("States.MathRandom end must be greater than start");
      return randomInt(start, end);
    },
  },
  "States.MathAdd": {
    args: [2, 2],
    run: ([a, b]) => intArg(a, "States.MathAdd") + intArg(b, "States.MathAdd"),
  },
  "States.StringSplit": {
    args: [2, 2],
    run: ([value, by]) => {
      const text = stringArg(value, "States.StringSplit");
      const separators = [...stringArg(by, "States.StringSplit")];
      const escaped = separators.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("");
      return separators.length === 0 ? [text] : text.split(new RegExp(`[${escaped}]`)).filter((s) => s !== "");
    },
  },
  "States.UUID": { args: [0, 0], run: () => randomUUID() },
};
