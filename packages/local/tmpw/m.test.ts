import { Worker } from "node:worker_threads";
import { expect, it } from "vitest";

it("w", async () => {
  const w = new Worker(new URL("./boot.mjs", import.meta.url), {
    workerData: { entry: new URL("./w.ts", import.meta.url).href },
  });
  const m = await new Promise((res, rej) => {
    w.on("message", res);
    w.on("error", rej);
  });
  await w.terminate();
  expect(m).toEqual({ x: 3 });
});
