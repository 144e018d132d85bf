/**
 * A process that runs one execution and is killed by the crash test: prints "started <name>"
 * once the execution exists, then runs it to the end.
 * Usage: node --import tsx test/reliability/crash-child.ts <home> <run-name> <raw-key>
 */
import { openTollgate } from "@tollgate/local/app";
import { input } from "./inputs.ts";

const [home, name, key] = process.argv.slice(2) as [string, string, string];
const tg = openTollgate({ home });
const run = await tg.workflow.start(name, input([key]));
process.stdout.write(`started ${name}\n`);
await run.done;
tg.close();
process.stdout.write(`finished ${name}\n`);
