/**
 * A process that runs one execution and is killed by the crash test: prints "started <name>" once
 * the execution exists, "entered <State>" as each state is entered, and "checkpoint <point>" at a
 * step's checkpoint (e.g. Promote:between-writes, inside Promote's commit window), where it pauses
 * 300 ms so that a kill lands there; then runs to the end.
 * Usage: node --import tsx test/reliability/crash-child.ts <home> <run-name> <raw-key>
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openTollgate } from "@tollgate/local/app";
import { input } from "./inputs.ts";

const [home, name, key] = process.argv.slice(2) as [string, string, string];
const say = (line: string) => process.stdout.write(`${line}\n`);
const tg = openTollgate({
  home,
  onCheckpoint: async (point) => {
    say(`checkpoint ${point}`);
    await sleep(300);
  },
});
const run = await tg.workflow.start(name, input([key]), {
  onEvent: (event) => {
    const entered = event.stateEnteredEventDetails as { name: string } | undefined;
    if (entered) say(`entered ${entered.name}`);
  },
});
say(`started ${name}`);
await run.done;
tg.close();
say(`finished ${name}`);
