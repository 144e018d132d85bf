/**
 * One trigger process for the duplicate-delivery test and bench: at `goAt` (epoch ms, shared by every
 * process so they deliver at once) it delivers one S3 "Object Created" event `times` times
 * concurrently through the trigger's planning and start (`localTrigger`: core's planRuns and
 * startRuns, as the trigger Lambda runs them), waits for a run it started, and prints the outcomes'
 * statuses as one JSON line.
 * Usage: node --import tsx test/reliability/deliver-child.ts <home> <key> <version> <times> <goAt>
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openTollgate } from "@tollgate/local/app";
import { localTrigger, objectCreated } from "@tollgate/local/trigger";
import { PERMISSIVE_GATE } from "./inputs.ts";

const [home, key, version, times, goAt] = process.argv.slice(2) as [string, string, string, string, string];
const tg = openTollgate({ home });
const trigger = localTrigger(tg.workflow, { coalesceSeconds: 0, gate: PERMISSIVE_GATE, seed: 3 });
const event = objectCreated(key, { version });
await sleep(Math.max(0, Number(goAt) - Date.now()));
const outcomes = (await Promise.all(Array.from({ length: Number(times) }, () => trigger.deliver([event])))).flat();
await Promise.all(trigger.started.map((h) => h.done));
tg.close();
process.stdout.write(`${JSON.stringify(outcomes.map((o) => o.status))}\n`);
