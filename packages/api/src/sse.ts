// Reading a server-sent event stream: dependency-free, for Node clients
// and the agent's web page alike.
/** Splits what an event stream sent so far into each whole frame's data and the unfinished rest (frames end with a blank line). */
export function sseData(buffer: string): { data: string[]; rest: string } {
  const data: string[] = [];
  let rest = buffer;
  for (let i = rest.indexOf('\n\n'); i >= 0; i = rest.indexOf('\n\n')) {
    const line = rest.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
    if (line) data.push(line.slice(6));
    rest = rest.slice(i + 2);
  }
  return { data, rest };
}

/** A stream's chunks in, each whole frame's data out to `onData`, in order. */
export function sseReader(onData: (data: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    const { data, rest } = sseData(buf + chunk);
    buf = rest;
    data.forEach(onData);
  };
}
