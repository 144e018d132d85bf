/**
 * Task-free definitions whose histories are compared with moto's Step Functions (execution
 * simulation on): Pass, Choice, Wait, Succeed, Fail, Parallel and Map, and Retry/Catch paths built
 * from a Parallel around a Fail (a Pass or Fail state has neither Retry nor Catch).
 */

export interface Shape {
  definition: object;
  input?: unknown;
  /** Branches or iterations run at once: compare chains, not the global order of ids. */
  concurrent?: boolean;
  /** Distributed Map states (run by an in-process map runner locally). */
  distributed?: string[];
}

const failing = (error: string, cause: string) => ({
  StartAt: "Boom",
  States: { Boom: { Type: "Fail", Error: error, Cause: cause } },
});
const pass = (name: string, extra: object = {}) => ({
  StartAt: name,
  States: { [name]: { Type: "Pass", End: true, ...extra } },
});

export const SHAPES: Record<string, Shape> = {
  "pass-chain": {
    input: { dataset: "wordnet", n: 2, keep: { a: 1 } },
    definition: {
      StartAt: "Format",
      States: {
        Format: {
          Type: "Pass",
          Parameters: {
            "key.$": "States.Format('runs/{}/manifest.json', $.dataset)",
            "sum.$": "States.MathAdd($.n, 40)",
            "list.$": "States.Array($.n, 'x', true)",
            "name.$": "$$.Execution.Name",
            fixed: { nested: [1, 2] },
          },
          ResultPath: "$.made",
          Next: "Select",
        },
        Select: { Type: "Pass", InputPath: "$.made", ResultPath: "$.copy", OutputPath: "$.copy", Next: "Result" },
        Result: { Type: "Pass", Result: { r: [1, { s: "t" }] }, ResultPath: "$.result", Next: "Discard" },
        Discard: { Type: "Pass", Result: "ignored", ResultPath: null, Next: "Done" },
        Done: { Type: "Succeed" },
      },
    },
  },
  intrinsics: {
    input: { list: [3, 1, 3, 2], text: "a,b;c", doc: '{"k":[1,2]}', obj: { a: 1 }, other: { b: 2 } },
    definition: pass("All", {
      Parameters: {
        "partition.$": "States.ArrayPartition($.list, 3)",
        "contains.$": "States.ArrayContains($.list, 2)",
        "range.$": "States.ArrayRange(1, 10, 3)",
        "item.$": "States.ArrayGetItem($.list, 1)",
        "length.$": "States.ArrayLength($.list)",
        "unique.$": "States.ArrayUnique($.list)",
        "b64.$": "States.Base64Encode($.text)",
        "decoded.$": "States.Base64Decode(States.Base64Encode('hello'))",
        "hash.$": "States.Hash($.text, 'SHA-256')",
        "merged.$": "States.JsonMerge($.obj, $.other, false)",
        "parsed.$": "States.StringToJson($.doc)",
        "printed.$": "States.JsonToString($.obj)",
        "split.$": "States.StringSplit($.text, ',;')",
        "formatted.$": "States.Format('{} and {}', $.obj.a, 'b')",
        "nested.$": "States.MathAdd(States.ArrayLength($.list), -1)",
      },
    }),
  },
  "choice-rules": {
    input: { accuracy: 0.8, gate: { min: 0.5 }, live: null, tag: "model-7", when: "2026-01-02T03:04:05Z", delay: 0 },
    definition: {
      StartAt: "Gate",
      States: {
        Gate: {
          Type: "Choice",
          Choices: [
            { Not: { Variable: "$.accuracy", NumericGreaterThanEqualsPath: "$.gate.min" }, Next: "Reject" },
            {
              And: [
                { Variable: "$.live", IsNull: true },
                { Variable: "$.tag", StringMatches: "model-*" },
                { Variable: "$.missing", IsPresent: false },
                { Variable: "$.when", TimestampLessThan: "2027-01-01T00:00:00Z" },
              ],
              Next: "Wait",
            },
          ],
          Default: "Reject",
        },
        Wait: { Type: "Wait", Seconds: 0, Next: "WaitPath" },
        WaitPath: { Type: "Wait", SecondsPath: "$.delay", Next: "Promote" },
        Promote: { Type: "Succeed" },
        Reject: { Type: "Fail", Error: "Rejected", Cause: "below the gate" },
      },
    },
  },
  "fail-paths": {
    input: { failure: { Error: "InvalidDatasetError", Cause: '{"errorMessage":"no rows"}' } },
    definition: {
      StartAt: "Failed",
      States: { Failed: { Type: "Fail", ErrorPath: "$.failure.Error", CausePath: "$.failure.Cause" } },
    },
  },
  "parallel-ok": {
    concurrent: true,
    input: { x: 1 },
    definition: {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            pass("A"),
            { StartAt: "B", States: { B: { Type: "Pass", Result: 2, Next: "B2" }, B2: { Type: "Pass", End: true } } },
          ],
          ResultSelector: { "first.$": "$[0]", "second.$": "$[1]" },
          ResultPath: "$.both",
          End: true,
        },
      },
    },
  },
  "parallel-catch": {
    definition: {
      StartAt: "Train",
      States: {
        Train: {
          Type: "Parallel",
          Branches: [failing("TrainingError", "diverged")],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "RecordFailure" }],
          Next: "Done",
        },
        RecordFailure: { Type: "Pass", Next: "Failed" },
        Failed: { Type: "Fail", ErrorPath: "$.failure.Error", CausePath: "$.failure.Cause" },
        Done: { Type: "Succeed" },
      },
    },
  },
  "parallel-retry": {
    definition: {
      StartAt: "Train",
      States: {
        Train: {
          Type: "Parallel",
          Branches: [failing("Flaky", "try again")],
          Retry: [
            { ErrorEquals: ["Other"], MaxAttempts: 2 },
            { ErrorEquals: ["Flaky"], IntervalSeconds: 1, MaxAttempts: 1 },
          ],
          End: true,
        },
      },
    },
  },
  "parallel-retry-catch": {
    input: { keep: true },
    definition: {
      StartAt: "Train",
      States: {
        Train: {
          Type: "Parallel",
          Branches: [failing("Flaky", "try again")],
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ["Flaky"], Next: "Recover" }],
          End: true,
        },
        Recover: { Type: "Pass", End: true },
      },
    },
  },
  "map-items": {
    input: { shards: ["a", "b", "c"], runId: "r1" },
    definition: {
      StartAt: "Shards",
      States: {
        Shards: {
          Type: "Map",
          ItemsPath: "$.shards",
          MaxConcurrency: 1,
          ItemSelector: { "key.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "run.$": "$.runId" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Read",
            States: {
              Read: { Type: "Pass", Next: "Count" },
              Count: { Type: "Pass", Parameters: { "k.$": "$.key" }, End: true },
            },
          },
          ResultPath: "$.read",
          Next: "Done",
        },
        Done: { Type: "Succeed" },
      },
    },
  },
  "map-fail-caught": {
    input: { items: [1, 2, 3] },
    definition: {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemsPath: "$.items",
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Check",
            States: {
              Check: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 2, Next: "Bad" }], Default: "Ok" },
              Bad: { Type: "Fail", Error: "ShardError", Cause: "shard 2" },
              Ok: { Type: "Pass", End: true },
            },
          },
          Catch: [{ ErrorEquals: ["ShardError"], ResultPath: "$.failure", Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    },
  },
  "map-in-map": {
    input: { rows: [[1, 2], [3]] },
    definition: {
      StartAt: "Outer",
      States: {
        Outer: {
          Type: "Map",
          ItemsPath: "$.rows",
          MaxConcurrency: 1,
          ItemProcessor: {
            StartAt: "Inner",
            States: { Inner: { Type: "Map", MaxConcurrency: 1, ItemProcessor: pass("Cell"), End: true } },
          },
          End: true,
        },
      },
    },
  },
  "map-in-parallel": {
    concurrent: true,
    input: { items: [1] },
    definition: {
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          Branches: [
            { StartAt: "M", States: { M: { Type: "Map", ItemsPath: "$.items", ItemProcessor: pass("I"), End: true } } },
            pass("Side"),
          ],
          End: true,
        },
      },
    },
  },
  "data-limit": {
    input: { s: "x".repeat(150_000) },
    definition: pass("Copy", { Parameters: { "a.$": "$.s", "b.$": "$.s" } }),
  },
  "map-fail-uncaught-retried": {
    input: { items: ["x"] },
    definition: {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemsPath: "$.items",
          Iterator: failing("ShardError", "always"),
          Parameters: { "item.$": "$$.Map.Item.Value" },
          Retry: [{ ErrorEquals: ["ShardError"], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        },
      },
    },
  },
  "wait-then-timeout": {
    input: { at: "2020-01-01T00:00:00Z" },
    definition: {
      StartAt: "Past",
      TimeoutSeconds: 1,
      States: {
        Past: { Type: "Wait", TimestampPath: "$.at", Next: "Long" },
        Long: { Type: "Wait", Seconds: 3, Next: "Never" },
        Never: { Type: "Succeed" },
      },
    },
  },
  "distributed-items": {
    distributed: ["Shards"],
    input: { shards: ["a", "b"], run: "r" },
    definition: {
      StartAt: "Shards",
      States: {
        Shards: {
          Type: "Map",
          ItemsPath: "$.shards",
          ItemSelector: { "key.$": "$$.Map.Item.Value", "run.$": "$.run" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Read",
            States: { Read: { Type: "Pass", End: true } },
          },
          ResultPath: "$.read",
          Next: "Done",
        },
        Done: { Type: "Succeed" },
      },
    },
  },
  "input-path-missing": {
    input: {},
    definition: pass("P", { InputPath: "$.missing" }),
  },
  "parameters-path-missing": {
    input: { a: 1 },
    definition: pass("P", { Parameters: { "x.$": "$.b" } }),
  },
};
