/**
 * When the exact race's wide work starts (small data, docs/adr/0005-hyperparameter-selection.md
 * item 7). Building the wide representation costs a thread ~1–1.5 CPU s on 5–10k long rows; it is
 * only of use when the race's pass budget reaches a wide candidate, and that budget is known only
 * from the early-stopped fit's epoch counts. So the work starts at the first point where the
 * budget is sure to reach the grid's first wide candidate: as an epoch of the fit starts (the
 * epochs begun and the best epoch so far give a budget the race will have at least), or when the
 * race is about to run; and, if the race asks for a wide candidate sooner than that (its candidates
 * converged in fewer passes), then. The choice is a function of the rows, options and seed (epoch
 * counts and pass figures), not of timing; and the wide work's results do not depend on when or
 * where it runs (`wide.ts`), so the model is the same bytes.
 */
import type { Logger } from "../logger.ts";
import { type ExactOptions, passesToFirstWide, type WideSource } from "./dual-cd.ts";
import type { FitThread } from "./fit-thread.ts";
import { WideCandidates, type WideJob } from "./wide.ts";

/** The race's wide representation, started on demand or once its budget is sure to reach it. */
export class LazyWide implements WideSource {
  private started: Promise<WideCandidates> | undefined;
  private thread: Promise<FitThread | undefined> | undefined;

  constructor(
    private readonly job: WideJob,
    private readonly options: ExactOptions,
    private readonly log: Logger,
  ) {}

  /** Hands over selection's thread, idle now: the work will run there, without a thread to boot. */
  adopt(thread: Promise<FitThread | undefined> | undefined): void {
    this.thread = thread;
  }

  /** Starts the wide work (once); `at` says where, for the debug log. */
  start(at: string): Promise<WideCandidates> {
    if (!this.started) {
      this.started = (async () => {
        const idle = (await this.thread)?.idle;
        this.log.debug(
          { at, selectionThread: idle !== undefined },
          "exact race: the wide representation's work started",
        );
        return WideCandidates.start(this.job, idle);
      })();
    }
    return this.started;
  }

  /**
   * Starts the work if `passesLeft` (a budget the race will have at least) reaches the first wide
   * candidate; resolves once its thread exists (await it before synchronous work, or the thread
   * is created only when this one next yields).
   */
  async startIfReached(passesLeft: number, refitRatio: number, at = "before the race"): Promise<void> {
    if (passesLeft >= passesToFirstWide(this.options, refitRatio)) await this.start(at);
  }

  async candidate(c: number, passes: number): ReturnType<WideSource["candidate"]> {
    return (await this.start("asked by the race")).candidate(c, passes);
  }

  /** The work, if it was started. */
  get candidates(): Promise<WideCandidates> | undefined {
    return this.started;
  }

  /** Stops the thread, if one was started. */
  async close(): Promise<void> {
    await (await this.started)?.close();
  }
}
