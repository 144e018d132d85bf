/**
 * Faults after a step's writes (reliability testing): `<State>:after-write:<n>` fails the task right
 * after its n-th write completed (an object put, a registry put, status change or swap), so the run is
 * left with a half-done step; when the step makes fewer writes, it fails when the step returns, as does
 * `<State>:after-return` (all its work done, the result lost: a Lambda that timed out after its writes).
 * `Promote:after-write:2` is right after Promote's swap, its commit point.
 */
import { InjectedFaultError } from "@tollgate/core/errors";
import type { ObjectStore, Registry } from "@tollgate/core/ports";
import type { StepPorts } from "@tollgate/core/steps";

const WRITES = new Set(["put", "putModelVersion", "setModelStatus", "swapLive", "putRun"]);
const POINT = /^(\w+):after-(?:write:(\d+)|return)$/;

/** The write fault configured for `state`: after which write (Infinity: at its return), or undefined. */
export function writeFaultOf(faults: readonly string[], state: string): number | undefined {
  for (const fault of faults) {
    const m = POINT.exec(fault);
    if (m?.[1] === state) return m[2] ? Number(m[2]) : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

/** A store or registry whose write methods call `wrote(method)` after each completed write. */
function counted<T extends object>(target: T, wrote: (method: string) => void): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== "function") return value;
      if (typeof prop !== "string" || !WRITES.has(prop)) return value.bind(t);
      return async (...args: unknown[]) => {
        const result = await value.apply(t, args);
        wrote(prop);
        return result;
      };
    },
  });
}

/**
 * Runs `task` with ports that fail after the `after`-th write (or at the return), as configured.
 * @throws InjectedFaultError naming the state, the write's index and method.
 */
export async function withWriteFault(
  state: string,
  after: number,
  ports: StepPorts,
  task: (ports: StepPorts) => Promise<unknown>,
): Promise<never> {
  let writes = 0;
  const wrote = (method: string) => {
    if (++writes === after)
      throw new InjectedFaultError(`fault injected at ${state} after write ${writes} (${method}) by configuration`);
  };
  await task({
    ...ports,
    data: counted<ObjectStore>(ports.data, wrote),
    models: counted<ObjectStore>(ports.models, wrote),
    registry: counted<Registry>(ports.registry, wrote),
  });
  throw new InjectedFaultError(`fault injected at ${state} after it returned (${writes} writes) by configuration`);
}
