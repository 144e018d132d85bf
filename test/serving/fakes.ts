/** Fakes for unit tests of the serving core: a model source whose versions are plain objects. */
import type { ClassifierOutput } from "@tollgate/core/serving/batcher";
import type { LoadedModel, ModelSource } from "@tollgate/core/serving/live-model";

/** A model whose predictions name its version; `gate` lets a test hold a predict call open. */
export class FakeModel implements LoadedModel {
  readonly labels = ["no", "yes"];
  released = false;
  calls: string[][] = [];
  gate: Promise<void> | undefined;

  constructor(readonly version: string) {}

  async predict(texts: string[]): Promise<ClassifierOutput> {
    if (this.released) throw new Error(`predict on released model ${this.version}`);
    this.calls.push(texts);
    await this.gate;
    return {
      labels: texts.map((t) => (t.includes("yes") ? "yes" : "no")),
      probabilities: texts.map((t) => Float32Array.from(t.includes("yes") ? [0.25, 0.75] : [0.75, 0.25])),
    };
  }

  /** A row is "known" unless it is the prior a text without "yes" scores. */
  async knownTerms(probabilities: Float32Array[]): Promise<boolean[]> {
    return probabilities.map((row) => row[1] !== 0.25);
  }

  async release(): Promise<void> {
    this.released = true;
  }
}

/** A source with a settable live version; records loads and can fail them. */
export class FakeSource implements ModelSource {
  live: string | undefined;
  loads: string[] = [];
  models = new Map<string, FakeModel>();
  failLoads = false;
  pointerReads = 0;

  async liveVersion(): Promise<string | undefined> {
    this.pointerReads++;
    return this.live;
  }

  async load(version: string): Promise<LoadedModel> {
    this.loads.push(version);
    if (this.failLoads) throw new Error(`cannot load ${version}`);
    const model = new FakeModel(version);
    this.models.set(version, model);
    return model;
  }
}

/** A clock the test moves by hand. */
export function fakeClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
