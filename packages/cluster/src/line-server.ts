// A TCP server of one request line and one answer per connection, as the
// arbitrator and the view fetch speak: a connection that says too much,
// nothing for 5 s, or something `answer` refuses, is closed without a word.
import { createServer, type Server } from 'node:net';

/** `answer`: the text to send back and close with, or undefined to close without answering. */
export async function lineServer(host: string, port: number, answer: (line: string) => string | undefined): Promise<Server> {
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(5000, () => sock.destroy());
    sock.on('error', () => undefined);
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > 4096) return void sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let out: string | undefined;
      try {
        out = answer(buf.slice(0, nl));
      } catch {
        out = undefined;
      }
      if (out === undefined) sock.destroy();
      else sock.end(out);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
