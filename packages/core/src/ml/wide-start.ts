/**
 * When the exact race's wide work starts (small data, docs/adr/0005-hyperparameter-selection.md
 * item 7). Building the wide representation costs a thread ~0.3 CPU s on 7k long rows (Austen),
 * and it is only of use when the race's pass budget reaches a wide candidate, a budget known only
 * from the early-stopped fit's epoch counts. Selection's thread is idle through that fit, though:
 * so the work starts there as soon as selection is done (`startOnIdleThread`), and when the race's
 * budget turns out not to reach it, the thread's unasked work is abandoned (`raceReaches`), leaving
 * the thread free to refit the race's narrow candidate ahead. Without such a thread it starts when
 * the race is about to run, if its budget surely reaches a wide candidate, or when the race asks
 * for one sooner (its candidates converged in fewer passes). The wide work's results do not depend
 * on when or where it runs (`wide.ts`), so the model is the same bytes either way.
 */
import type { Logger } from "../logger.ts";
import { type ExactOptions, passesToFirstWide, type WideSource } from "./dual-cd.ts";
import type { FitThread } from "./fit-thread.ts";
import { WideCandidates, type WideJob } from "./wide.ts";

/** The race's wide representation: started in selection's idle thread, before the race, or on demand. */
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

  /**
   * Starts the work at once if selection's thread was handed over: it is idle through the
   * early-stopped fit, so the work costs the fit no core, and is abandoned (`abandon`) if the race
   * turns out not to reach it.
   */
  async startOnIdleThread(): Promise<void> {
    if ((await this.thread)?.idle) await this.start("selection's thread idle");
  }

  /** The race will not reach a wide candidate: the thread's unasked work, if started, is left undone (`WideCandidates.abandon`). */
  private async abandon(): Promise<void> {
    (await this.started)?.abandon();
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
   * Whether `passesLeft` (the race's budget) reaches the first wide candidate with its refit: if
   * so, the work starts now at the latest (resolving once its thread exists: before the race's
   * synchronous work); if not, what its thread was doing unasked is abandoned.
   */
  async raceReaches(passesLeft: number, refitRatio: number): Promise<boolean> {
    const reached = passesLeft >= passesToFirstWide(this.options, refitRatio);
    if (reached) await this.start("before the race");
    else await this.abandon();
    return reached;
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
