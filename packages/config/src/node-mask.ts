// node.conf with some values hidden (the cluster secret), for printing.
// Lines are told apart as the node's reader (`ini`) tells them, so that a
// value the node would read as a secret is never shown, however the line is
// written (indented, another line ending, odd spacing).
import { unsafe } from 'ini';

export const HIDDEN = '(hidden)';

/** `hidden(section, key)`: whether the value of that line is shown; the key as the node reads it (`secret`, `addr@hv1`). */
export function hideValues(text: string, hidden: (section: string, key: string) => boolean): string {
  let section = '';
  return text
    .split(/(\r\n|\r|\n)/)
    .map((line, i) => {
      // Odd items are the line endings kept by the split.
      if (i % 2 === 1 || /^\s*([;#]|$)/.test(line)) return line;
      const header = /^\[([^\]]*)\]\s*$/.exec(line);
      if (header) {
        section = header[1]!.trim();
        return line;
      }
      const key = /^([^=]+)=/.exec(line);
      return key && hidden(section, unsafe(key[1]!)) ? `${key[0]} ${HIDDEN}` : line;
    })
    .join('');
}
