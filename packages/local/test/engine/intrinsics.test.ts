/**
 * Intrinsic functions where moto's interpreter cannot serve as the oracle (it mishandles escapes,
 * and its Base64Encode is ASCII-only): the escapes the AWS documentation defines
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html: `\'`, `\{`, `\}`
 * and `\\` inside quoted strings), arity and type errors as States.IntrinsicFailure, and the
 * random functions' ranges. The other functions are compared with moto in test/engine.
 */
import { describe, expect, it } from "vitest";
import { StatesError } from "../../src/engine/asl/errors.ts";
import { evaluateIntrinsic } from "../../src/engine/asl/intrinsics.ts";

const input: Record<string, unknown> = { name: "Ada", n: 2, list: [1, 2] };
const run = (expr: string) => evaluateIntrinsic(expr, (path) => input[path.slice(2)]);

describe("intrinsic functions", () => {
  it("format with escaped quotes, braces and backslashes", () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)")).toBe("Hello, my name is Ada.");
    expect(run("States.Format('it\\'s \\{literal\\} {} \\\\ done', $.n)")).toBe("it's {literal} 2 \\ done");
  });

  it("encode UTF-8 text in Base64 and back", () => {
    expect(run("States.Base64Decode(States.Base64Encode('héllo wörld'))")).toBe("héllo wörld");
  });

  it("draw UUIDs and random integers in range", () => {
    expect(run("States.UUID()")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 0; i < 50; i++) expect(run("States.MathRandom(3, 5)")).toBeOneOf([3, 4]);
  });

  it.each([
    ["States.MathAdd($.n)", /got 1 argument/],
    ["States.ArrayLength($.name)", /expects an array/],
    ["States.Format('{} {}', $.n)", /more \{\} than arguments/],
    ["States.ArrayRange(1, 5000, 1)", /at most 1000 items/],
    ["States.Nope()", /unknown intrinsic function States.Nope/],
    ["States.Array($.n) trailing", /unexpected text/],
  ])("fail %s with States.IntrinsicFailure", (expr, message) => {
    expect(() => run(expr)).toThrow(StatesError);
    expect(() => run(expr)).toThrow(message);
    try {
      run(expr);
    } catch (err) {
      expect((err as StatesError).name).toBe("States.IntrinsicFailure");
    }
  });
});
