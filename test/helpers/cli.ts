import { LocalBackend } from "@tollgate/cli/local-backend";
import { buildProgram } from "@tollgate/cli/program";
import { readConfig } from "@tollgate/local/config";

/**
 * The `tollgate` program in this process on the local backend configured by `env`: `tollgate(...args)`
 * answers one command's stdout (stderr, e.g. the note naming the default model, is left out), `json` the
 * same command with `--json`, parsed.
 */
export function localCli(env: Record<string, string>) {
  async function tollgate(...args: string[]): Promise<string> {
    const out: string[] = [];
    const program = buildProgram({ out: (t) => out.push(t), err: () => {} }, () => new LocalBackend(readConfig(env)));
    await program.parseAsync(args, { from: "user" });
    return out.join("\n");
  }
  const json = async <T>(...args: string[]) => JSON.parse(await tollgate(...args, "--json")) as T;
  return { tollgate, json };
}
