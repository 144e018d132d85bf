import { Worker } from "node:worker_threads";

const t = Date.now();
const w = new Worker(new URL("./boot.mjs", import.meta.url), {
  workerData: { entry: new URL("./w.ts", import.meta.url).href },
});
w.on("message", (m) => {
  console.log("got", m, Date.now() - t, "ms");
  w.terminate();
});
w.on("error", (e) => console.log("err", e.message));
