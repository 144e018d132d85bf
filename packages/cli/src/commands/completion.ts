/**
 * `tollgate completion bash|zsh`: a completion script made from the program's own commands and
 * options (so it never goes stale). Install: `tollgate completion bash > /etc/bash_completion.d/tollgate`,
 * or `source <(tollgate completion bash)`; for zsh, put `tollgate completion zsh` in a file named
 * `_tollgate` on your `$fpath`, or `source <(tollgate completion zsh)` after `compinit`.
 */
import { Argument, Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** What completion reads of a command (commander's Command). */
interface CommandTree {
  name(): string;
  description(): string;
  readonly options: readonly { long?: string | undefined }[];
  readonly commands: readonly CommandTree[];
}

interface Spec {
  name: string;
  description: string;
  options: string[];
  subcommands: string[];
}

/** Every command with its long options (the root's first, under the name ""). */
export function completionSpec(root: CommandTree): Spec[] {
  const longs = (c: CommandTree) => [...c.options.map((o) => o.long ?? ""), "--help"].filter(Boolean);
  return [
    { name: "", description: "", options: longs(root), subcommands: [] },
    ...root.commands.map((c) => ({
      name: c.name(),
      description:
        c
          .description()
          .replace(/[`'"$\\[\]:]/g, "")
          .split(";")[0] ?? "",
      options: longs(c),
      subcommands: c.commands.map((s) => s.name()),
    })),
  ];
}

export function bashScript(specs: Spec[]): string {
  const names = specs.filter((s) => s.name).map((s) => s.name);
  const cases = specs
    .filter((s) => s.name)
    .map((s) => `    ${s.name}) words="${[...s.subcommands, ...s.options].join(" ")}" ;;`)
    .join("\n");
  return `# bash completion for tollgate (tollgate completion bash)
_tollgate_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${names.join(" ")} ${specs[0]?.options.join(" ")}"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    esac
    if [[ "$cur" != -* ]]; then
      COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
      return 0
    fi
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o filenames -F _tollgate_complete tollgate
`;
}

export function zshScript(specs: Spec[]): string {
  const commands = specs
    .filter((s) => s.name)
    .map((s) => `    '${s.name}:${s.description}'`)
    .join("\n");
  const cases = specs
    .filter((s) => s.name)
    .map((s) => `    ${s.name}) compadd -- ${[...s.subcommands, ...s.options].join(" ")}; _files ;;`)
    .join("\n");
  return `#compdef tollgate
# zsh completion for tollgate (tollgate completion zsh)
_tollgate() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    compadd -- ${specs[0]?.options.join(" ")}
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _tollgate tollgate
`;
}

export const completionCommand = (ctx: CommandContext, root: () => CommandTree) =>
  new Command("completion")
    .description("print a shell completion script (bash or zsh)")
    .addArgument(new Argument("<shell>").choices(["bash", "zsh"] as const))
    .action((shell) => {
      const specs = completionSpec(root());
      ctx.io.out((shell === "bash" ? bashScript : zshScript)(specs).trimEnd());
    });
