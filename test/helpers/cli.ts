import { LocalBackend } from "@tollgate/cli/local-backend";
import { buildProgram } from "@tollgate/cli/program";
import { readConfig } from "@tollgate/local/config";

/**
 * The `tollgate` program in this process on the local backend configured by `env`: `run(...args)`
 * answers one command's stdout and its stderr lines, `tollgate(...args)` its stdout only (stderr, e.g. the
 * note naming the default model, left out), `json` the same command with `--json`, parsed.
 */
export function localCli(env: Record<string, string>) {
  async function run(...args: string[]): Promise<{ out: string; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const program = buildProgram(
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      () => new LocalBackend(readConfig(env)),
    );
    await program.parseAsync(args, { from: "user" });
    return { out: out.join("\n"), err };
  }
  const tollgate = async (...args: string[]) => (await run(...args)).out;
  const json = async <T>(...args: string[]) => JSON.parse(await tollgate(...args, "--json")) as T;
  return { run, tollgate, json };
}
