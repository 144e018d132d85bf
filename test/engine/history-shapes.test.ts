/**
 * The local engine's histories against moto's Step Functions with execution simulation on (moto's
 * interpreter is LocalStack's, built against AWS): same event types, same detail fields, same
 * previousEventId chains. Where the AWS documentation says the emulator is wrong, the test says so
 * and docs/local-runtime.md lists it.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type HistoryEvent as SfnEvent,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessMapRunner, localHistory } from "../../packages/local/test/helpers/asl.ts";
import { MOTO_ACCOUNT, type MotoServer, startMoto } from "../moto/server.ts";
import { SHAPES, type Shape } from "./shapes.ts";

const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/shapes`;
type Event = Record<string, unknown> & { id: number; previousEventId: number; type: string };

let moto: MotoServer;
let sfn: SFNClient;

async function motoHistory(name: string, shape: Shape): Promise<{ status: string; events: Event[] }> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(shape.definition) }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(shape.input ?? {}) }),
  );
  let status = "RUNNING";
  for (let i = 0; i < 400 && status === "RUNNING"; i++) {
    status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? "";
    if (status === "RUNNING") await new Promise((r) => setTimeout(r, 50));
  }
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  // moto re-encodes StartExecution's input, and the JSON it quotes in error causes, with Python's
  // json.dumps (`{"a": 1}`); Step Functions records the input verbatim and quotes compact JSON.
  const started = events[0]?.executionStartedEventDetails;
  if (started?.input) started.input = JSON.stringify(JSON.parse(started.input));
  for (const e of events) {
    const failed = e.executionFailedEventDetails;
    if (failed?.cause) failed.cause = failed.cause.replaceAll('": ', '":').replaceAll(', "', ',"');
  }
  return { status, events: events.map(withoutTimestamp) };
}

/** Without the timestamp, and with Map Run ARNs (each emulator names its own) made alike. */
function withoutTimestamp(event: SfnEvent | Event): Event {
  const { timestamp: _, ...rest } = event as Event;
  const copy = JSON.parse(JSON.stringify(rest)) as Event;
  const started = copy.mapRunStartedEventDetails as { mapRunArn?: string } | undefined;
  if (started?.mapRunArn) started.mapRunArn = "<map run>";
  return copy;
}

const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sorted)
    : value && typeof value === "object"
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;

const JOINS = new Set(["ParallelStateSucceeded", "ParallelStateFailed", "ParallelStateExited"]);

/**
 * Each event with the event it points back to, by content: the chains, whatever the order of ids.
 * Branches finish in any order, so a Parallel state's closing events point to "a branch's tip"
 * (an event nothing else continues from) rather than to a given branch's last event.
 */
function chains(events: Event[]): string[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const continued = new Set(events.filter((e) => !JOINS.has(e.type)).map((e) => e.previousEventId));
  const content = (e: Event | undefined) => {
    if (!e) return "start";
    const { id: _i, previousEventId: _p, ...rest } = e;
    return JSON.stringify(sorted(rest));
  };
  return events
    .map((e) => {
      const prev = byId.get(e.previousEventId);
      const tip = JOINS.has(e.type) && prev && !JOINS.has(prev.type) && !continued.has(prev.id);
      return `${content(e)} <- ${tip ? "a branch's tip" : content(prev)}`;
    })
    .sort();
}

/** One line per event, to read a difference at a glance. */
function line(e: Event): string {
  const { id, previousEventId, type, ...details } = e;
  return `${id}<-${previousEventId} ${type} ${JSON.stringify(sorted(details)).slice(0, 160)}`;
}

describe("history shapes match moto's Step Functions", () => {
  beforeAll(async () => {
    moto = await startMoto({ config: { stepfunctions: { execute_state_machine: true } } });
    sfn = new SFNClient(moto.clientConfig());
  });
  afterAll(async () => {
    sfn?.destroy();
    await moto?.stop();
  });

  for (const [name, shape] of Object.entries(SHAPES)) {
    it.concurrent(name, async () => {
      const [theirs, ours] = await Promise.all([
        motoHistory(name, shape),
        localHistory(shape.definition, shape.input ?? {}, {
          name,
          roleArn: ROLE,
          region: moto.region,
          account: MOTO_ACCOUNT,
          bindings: { maps: Object.fromEntries((shape.distributed ?? []).map((s) => [s, inProcessMapRunner()])) },
        }),
      ]);
      const local = ours.events.map(withoutTimestamp);
      if (shape.concurrent) expect(chains(local)).toEqual(chains(theirs.events));
      else {
        expect(local.map(line)).toEqual(theirs.events.map(line));
        expect(local).toEqual(theirs.events);
      }
      expect(ours.status).toBe(theirs.status);
    });
  }

  // Where the AWS documentation says moto is wrong (listed in docs/local-runtime.md): the same events,
  // with the error AWS documents.
  it("no Choice rule matching: States.NoChoiceMatched (moto: States.Runtime)", async () => {
    const shape: Shape = {
      input: { a: 2 },
      definition: {
        StartAt: "C",
        States: {
          C: { Type: "Choice", Choices: [{ Variable: "$.a", NumericEquals: 1, Next: "S" }] },
          S: { Type: "Succeed" },
        },
      },
    };
    const [theirs, ours] = await Promise.all([
      motoHistory("no-choice", shape),
      localHistory(shape.definition, shape.input, { name: "no-choice", roleArn: ROLE }),
    ]);
    expect(ours.events.map((e) => e.type)).toEqual(theirs.events.map((e) => e.type));
    expect(theirs.events.at(-1)?.executionFailedEventDetails).toMatchObject({ error: "States.Runtime" });
    expect(ours.events.at(-1)?.executionFailedEventDetails).toMatchObject({ error: "States.NoChoiceMatched" });
  });

  it("a Distributed Map child fails with no failure tolerated: the Map Run fails (moto: it succeeds)", async () => {
    const shape: Shape = {
      input: { items: [1, 2] },
      definition: {
        StartAt: "Shards",
        States: {
          Shards: {
            Type: "Map",
            ItemsPath: "$.items",
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Check",
              States: {
                Check: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 2, Next: "Bad" }], Default: "Ok" },
                Bad: { Type: "Fail", Error: "ShardError", Cause: "shard 2" },
                Ok: { Type: "Pass", End: true },
              },
            },
            End: true,
          },
        },
      },
    };
    const [theirs, ours] = await Promise.all([
      motoHistory("dmap-fail", shape),
      localHistory(shape.definition, shape.input, {
        name: "dmap-fail",
        roleArn: ROLE,
        bindings: { maps: { Shards: inProcessMapRunner() } },
      }),
    ]);
    expect(theirs.status).toBe("SUCCEEDED");
    expect(theirs.events.map((e) => e.type)).toContain("MapRunSucceeded");
    expect(ours.status).toBe("FAILED");
    expect(ours.events.map((e) => e.type).slice(-4)).toEqual([
      "MapRunStarted",
      "MapRunFailed",
      "MapStateFailed",
      "ExecutionFailed",
    ]);
    expect(ours.events.at(-1)?.executionFailedEventDetails).toMatchObject({
      error: "States.ExceedToleratedFailureThreshold",
    });
  });
});
