/**
 * `tollgate models [--model] [--json]`, `tollgate models show <version>` (the model card) and
 * `tollgate models compare <a> <b> [--on <dataset version>]` (both scored on the same test split).
 */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption, versionParser } from "../options.ts";
import { renderModels } from "../render.ts";
import { renderComparison, renderModelDetail } from "../render-model.ts";

/** `--model` and `--json` belong to `models` and are parsed wherever they are on the line. */
const shared = (cmd: { optsWithGlobals(): unknown }) => cmd.optsWithGlobals() as { model?: string; json?: true };

const showCommand = (ctx: CommandContext) =>
  new Command("show")
    .description("a version's model card: data, hyperparameters, splits, metrics per class, confusions")
    .argument("<version>", "the version (tollgate models lists them)", versionParser("version"))
    .action(async (version, _opts, cmd) => {
      const opts = shared(cmd);
      const detail = await (await ctx.backend()).modelDetail(await ctx.modelOf(opts.model), version);
      ctx.print(opts.json, detail, () => renderModelDetail(detail));
    });

const compareCommand = (ctx: CommandContext) =>
  new Command("compare")
    .description("score two versions on the same test split: differences, 95% CI and McNemar's test, per-class F1")
    .argument("<a>", "the version to compare against (A)", versionParser("A"))
    .argument("<b>", "the version compared (B)", versionParser("B"))
    .option("--on <datasetVersion>", "the dataset version whose test split to use (default: the newer version's)")
    .action(async (a, b, own, cmd) => {
      const opts = { ...shared(cmd), ...own };
      const comparison = await (await ctx.backend()).compareModels(await ctx.modelOf(opts.model), a, b, opts.on);
      ctx.print(opts.json, comparison, () => renderComparison(comparison));
    });

export const modelsCommand = (ctx: CommandContext) =>
  new Command("models")
    .description("model versions, metrics, status, and which is live; `models show`, `models compare`")
    .addOption(modelOption())
    .addOption(jsonOption())
    .addCommand(showCommand(ctx))
    .addCommand(compareCommand(ctx))
    .action(async (opts) => {
      const name = await ctx.modelOf(opts.model);
      const backend = await ctx.backend();
      const [{ versions, live }, decisions] = await Promise.all([backend.listModels(name), backend.decisions(name)]);
      ctx.print(opts.json, { modelName: name, live: live ?? null, versions, decisions }, () =>
        renderModels(name, versions, live, decisions),
      );
    });
