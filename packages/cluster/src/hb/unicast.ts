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

/** A UDP socket bound to address:port, `setup` run once bound (a throw closes it and rejects). */
export function bindSocket(port: number, address: string | undefined, onDatagram: (buf: Buffer) => void, setup: (s: Socket) => void = () => undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', (msg) => onDatagram(msg));
    s.once('error', reject);
    s.bind(port, address, () => {
      try {
        setup(s);
      } catch (e) {
        s.close();
        reject(e as Error);
        return;
      }
      s.off('error', reject);
      // A send to an unreachable peer reports an error on the socket: counted by send(), not fatal.
      s.on('error', () => undefined);
      resolve(s);
    });
  });
}

export function unicastLink(hb: HbConfig, self: string): HeartbeatLink {
  let sock: Socket | undefined;
  const peers = Object.entries(hb.addresses).filter(([n]) => n !== self);
  return {
    start: async (onDatagram) => {
      sock = await bindSocket(hb.port, hb.addresses[self], onDatagram);
    },
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
