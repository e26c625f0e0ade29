// Shell completion generated from the programs' command tables, so it
// never lags behind them: command words, each command's options and the
// global ones, the choices of an option, service names (the files in
// $CAPSULE_ROOT/etc/capsule) after -s, and the service's resource ids
// (its sections) after --rid. One bash function per program; zsh runs the
// same through bashcompinit.
import type { ProgramSpec } from './spec.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const flag = (name: string) => `--${name}`;

function programFunction(p: ProgramSpec): string {
  const fn = `_capsule_${p.name}`;
  const valued = new Set<string>();
  for (const o of [...p.options, ...p.commands.flatMap((c) => c.options ?? [])]) {
    if (o.type !== 'boolean') {
      valued.add(flag(o.name));
      if (o.short) valued.add(`-${o.short}`);
    }
  }
  const global = p.options.map((o) => flag(o.name)).join(' ');
  // The next word after each prefix of command words typed so far.
  const next = new Map<string, Set<string>>();
  for (const c of p.commands) {
    for (let i = 0; i < c.words.length; i++) {
      const key = c.words.slice(0, i).join(' ');
      if (!next.has(key)) next.set(key, new Set());
      next.get(key)!.add(c.words[i]!);
    }
  }
  const choices = [...p.options, ...p.commands.flatMap((c) => c.options ?? [])].filter((o) => o.choices?.length);
  return `${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local etc="\${CAPSULE_ROOT:-}/etc/capsule" svc="" prev_opt="" typed=() i w skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; [[ $prev_opt == -s || $prev_opt == --service ]] && svc="$w"; continue; fi
    case "$w" in
      ${[...valued].map(q).join('|') || "''"}) skip=1; prev_opt="$w" ;;
      -*) ;;
      *) typed+=("$w") ;;
    esac
  done
  case "$prev" in
    -s|--service)
      COMPREPLY=($(compgen -W "$(cd "$etc" 2>/dev/null && for f in *.conf; do [[ $f != node.conf && -e $f ]] && echo "\${f%.conf}"; done)" -- "$cur"))
      return ;;
    --rid)
      COMPREPLY=($(compgen -W "$([[ -n $svc ]] && sed -n 's/^\\[\\([A-Za-z0-9_.-]*#[^]]*\\)\\].*/\\1/p' "$etc/$svc.conf" 2>/dev/null)" -- "$cur"))
      return ;;
${choices.map((o) => `    ${flag(o.name)}) COMPREPLY=($(compgen -W ${q(o.choices!.join(' '))} -- "$cur")); return ;;`).join('\n')}
  esac
  local key="\${typed[*]}"
  if [[ $cur == -* ]]; then
    local opts=${q(global)}
    case "$key" in
${p.commands
  .filter((c) => c.options?.length)
  // The default command's options also go with no command word (svcmon --watch).
  .map((c) => `      ${q(c.words.join(' '))}${p.defaultCommand?.join(' ') === c.words.join(' ') ? "|''" : ''}) opts+=${q(` ${c.options!.map((o) => flag(o.name)).join(' ')}`)} ;;`)
  .join('\n')}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case "$key" in
${[...next].map(([k, words]) => `    ${q(k)}) COMPREPLY=($(compgen -W ${q([...words].sort().join(' '))} -- "$cur")) ;;`).join('\n')}
  esac
}
complete -F ${fn} ${p.name}
`;
}

export function completionScript(shell: 'bash' | 'zsh', programs: readonly ProgramSpec[]): string {
  const head = shell === 'zsh' ? '# capsule completion for zsh (through bashcompinit)\nautoload -U +X bashcompinit && bashcompinit\n' : '# capsule completion for bash\n';
  return head + programs.map(programFunction).join('\n');
}
