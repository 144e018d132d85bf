/**
 * The IAM test's Map Run workers (iam.test.ts): a Distributed Map child's Lambda steps run as their
 * entry points (functions/<step>.ts `handler`), each with its deployed function's environment and
 * its role's credentials on the emulator, as the parent run's steps do. The event each step got is
 * written to `eventsDir/<key>.json`, so that the removal test can run the step alone again.
 * The engine's worker (packages/local/src/engine/map-run/worker.ts) imports this module.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChildRuntime } from "@tollgate/local/engine/map-run/child";
import { openLocalStores } from "@tollgate/local/stores";
import { lambdaArn } from "@tollgate/local/targets";
import { withEnv } from "./with-env.ts";

export interface MapChildrenOptions {
  home: string;
  eventsDir: string;
  steps: { key: string; handlerFile: string; env: Record<string, string> }[];
}

export async function createChildRuntime(options: MapChildrenOptions): Promise<ChildRuntime> {
  const stores = openLocalStores(options.home);
  const lambdas: Record<string, (event: unknown) => Promise<unknown>> = {};
  for (const { key, handlerFile, env } of options.steps) {
    const module = (await withEnv(env, () => import(`../../functions/${handlerFile}.ts`))) as {
      handler: (event: unknown) => Promise<unknown>;
    };
    lambdas[lambdaArn(key)] = (event) => {
      writeFileSync(join(options.eventsDir, `${key}.json`), JSON.stringify(event));
      return withEnv(env, () => module.handler(event));
    };
  }
  return { executions: stores.executions, targetsFor: () => ({ lambdas, glueJobs: {} }), close: () => stores.close() };
}
