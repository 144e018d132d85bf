/**
 * One racing run in its own process: runs `<name>` over `<key>`; at Promote's checkpoint (the first
 * time only) it marks its arrival in `<barrier>/` and waits until `<n>` runs have arrived, so that
 * the promotions of separate processes meet. Prints "done <name> <status>".
 * Usage: node --import tsx test/reliability/race-child.ts <home> <name> <key> <n> <barrier>
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openTollgate } from "@tollgate/local/app";
import { input } from "./inputs.ts";

const [home, name, key, n, barrier] = process.argv.slice(2) as [string, string, string, string, string];
mkdirSync(barrier, { recursive: true });
let arrived = false;
const tg = openTollgate({
  home,
  onCheckpoint: async (point) => {
    if (point !== "Promote:between-writes" || arrived) return;
    arrived = true;
    writeFileSync(join(barrier, name), "");
    const deadline = Date.now() + 120_000;
    while (readdirSync(barrier).length < Number(n) && Date.now() < deadline) await sleep(20);
  },
});
const run = await (await tg.workflow.start(name, input([key]))).done;
tg.close();
process.stdout.write(`done ${name} ${run.status}\n`);
