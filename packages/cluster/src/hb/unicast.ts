// Unicast UDP heartbeats: one socket bound on this node's address, every
// datagram sent to each peer's. Multicast plugs into the same contract.
import { createSocket, type Socket } from 'node:dgram';
import type { HbConfig } from '../config.js';

export interface HeartbeatLink {
  start(onDatagram: (buf: Buffer) => void): Promise<void>;
  /** Sends to every peer; resolves with the number of failed sends. */
  send(buf: Buffer): Promise<number>;
  close(): Promise<void>;
}

export function unicastLink(hb: HbConfig, self: string): HeartbeatLink {
  let sock: Socket | undefined;
  const peers = Object.entries(hb.addresses).filter(([n]) => n !== self);
  return {
    start: (onDatagram) =>
      new Promise((resolve, reject) => {
        const s = createSocket({ type: 'udp4', reuseAddr: true });
        sock = s;
        s.on('message', (msg) => onDatagram(msg));
        s.once('error', reject);
        s.bind(hb.port, hb.addresses[self], () => {
          s.off('error', reject);
          // A send to an unreachable peer reports an error on the socket: counted by send(), not fatal.
          s.on('error', () => undefined);
          resolve();
        });
      }),
    send: async (buf) => {
      let failed = 0;
      await Promise.all(
        peers.map(
          ([, addr]) =>
            new Promise<void>((resolve) =>
              sock!.send(buf, hb.port, addr, (e) => {
                if (e) failed++;
                resolve();
              }),
            ),
        ),
      );
      return failed;
    },
    close: () => new Promise((resolve) => (sock ? sock.close(() => resolve()) : resolve())),
  };
}
