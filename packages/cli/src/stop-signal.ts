/** Resolves on the first SIGINT or SIGTERM: how long-running commands (serve, console) wait to stop. */
export const stopSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
