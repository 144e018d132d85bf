/**
 * Every step runs with only what its deployed role grants (STEPS in stacks/Pipeline.ts): reads and
 * writes under the granted prefixes, the granted registry methods, and no listing (no role has
 * s3:ListBucket on a step's prefixes). The whole workflow must still succeed. This is the offline
 * twin of the IAM-enforced emulator run: it catches a key prefix the code needs but was not granted.
 */
import type { ObjectStore, Registry } from "@tollgate/core/ports";
import type { StepPorts } from "@tollgate/core/steps";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { afterEach, describe, expect, it } from "vitest";
import type { StoreAccess } from "../../stacks/access.ts";
import { STEPS } from "../../stacks/Pipeline.ts";
import { fixtureGate, tempHome, topicRows } from "../helpers/topics.ts";

class AccessDeniedError extends Error {
  override name = "AccessDeniedError";
}

const under = (key: string, prefixes: string[] | undefined) => (prefixes ?? []).some((p) => key.startsWith(p));

/** An object store that refuses what `use` does not grant, as S3 would for the role. */
function granted(store: ObjectStore, use: StoreAccess["data"], who: string, denied: string[]): ObjectStore {
  const deny = (action: string, key: string) => {
    denied.push(`${who} ${action} ${key}`);
    return new AccessDeniedError(`${who} may not ${action} ${key}`);
  };
  return {
    put: async (key, body) => {
      // `create` grants puts of new keys (If-None-Match); this store never sees an existing one
      if (!under(key, [...(use?.write ?? []), ...(use?.create ?? [])])) throw deny("s3:PutObject", key);
      return store.put(key, body);
    },
    get: async (key) => {
      if (!under(key, use?.read)) throw deny("s3:GetObject", key);
      return store.get(key);
    },
    exists: async (key) => {
      if (!under(key, use?.read)) throw deny("s3:GetObject", key);
      return store.exists(key);
    },
    list: async (prefix) => {
      throw deny("s3:ListBucket", prefix);
    },
    listSized: async (prefix) => {
      throw deny("s3:ListBucket", prefix);
    },
    delete: async ([key]) => {
      throw deny("s3:DeleteObject", key ?? "");
    },
  };
}

function grantedRegistry(registry: Registry, methods: (keyof Registry)[], who: string, denied: string[]): Registry {
  return new Proxy(registry, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (!methods.includes(prop as keyof Registry)) {
        return async () => {
          denied.push(`${who} registry.${String(prop)}`);
          throw new AccessDeniedError(`${who} may not call registry.${String(prop)}`);
        };
      }
      return value.bind(target);
    },
  });
}

function asDeployed(step: string, ports: StepPorts, denied: string[]): StepPorts {
  const access = (STEPS as Record<string, { access: StoreAccess }>)[step]?.access;
  if (!access) throw new Error(`no STEPS entry for ${step}`);
  return {
    ...ports,
    data: granted(ports.data, access.data, step, denied),
    models: granted(ports.models, access.models, step, denied),
    registry: grantedRegistry(ports.registry, access.registry ?? [], step, denied),
  };
}

const open: Tollgate[] = [];
afterEach(() => {
  for (const tg of open.splice(0)) tg.close();
});

async function run(tg: Tollgate, name: string, seed: number) {
  const key = `raw/topics/${name}.jsonl`;
  await tg.portsFor("test").data.put(
    key,
    topicRows(600, seed)
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  const input = {
    dataset: "topics",
    modelName: "topics",
    gate: fixtureGate(0.5),
    seed: 7,
    sources: [key],
  };
  return (await tg.workflow.start(name, input)).done;
}

describe("each step with only its deployed grants", () => {
  it("the workflow promotes, then gates a second run, touching only granted prefixes and registry methods", async () => {
    const denied: string[] = [];
    const tg = openTollgate({ home: tempHome(), stepPorts: (step, ports) => asDeployed(step, ports, denied) });
    open.push(tg);
    const first = await run(tg, "access-1", 1);
    expect(denied).toEqual([]);
    expect(first.status).toBe("SUCCEEDED");
    const second = await run(tg, "access-2", 2);
    expect(denied).toEqual([]);
    expect(second.status).toBe("SUCCEEDED");
    expect(JSON.parse(second.output ?? "{}").evaluation.live.version).toBe(
      JSON.parse(first.output ?? "{}").trained.modelVersion,
    );
  });

  it("a step that needs an ungranted prefix fails with the denial (the check can fail)", async () => {
    const denied: string[] = [];
    const tg = openTollgate({
      home: tempHome(),
      stepPorts: (step, ports) =>
        step === "Preprocess"
          ? { ...ports, data: granted(ports.data, { read: ["runs/"], write: ["prepared/"] }, step, denied) }
          : ports,
    });
    open.push(tg);
    const execution = await run(tg, "access-denied", 3);
    expect(execution.status).toBe("FAILED");
    expect(denied[0]).toMatch(/^Preprocess s3:GetObject curated\/topics\//);
  });
});
