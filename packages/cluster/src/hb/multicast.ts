// Multicast UDP heartbeats: one datagram to the group reaches every peer on
// the segment, whatever their number, and a node joins without anybody's
// config listing its address. The group is joined on this node's own
// address (`addr@NODE`), so the interface is chosen by address, not by a
// route that a node without a default route would not have.
import type { Socket } from 'node:dgram';
import type { HbConfig } from '../config.js';
import { bindSocket, type HeartbeatLink } from './unicast.js';

export const DEFAULT_GROUP = '224.3.29.71';

export function multicastLink(hb: HbConfig, self: string): HeartbeatLink {
  let sock: Socket | undefined;
  const group = hb.group ?? DEFAULT_GROUP;
  const local = hb.addresses[self];
  return {
    // Bound to the group, not the wildcard: unicast datagrams to this port are not heartbeats.
    start: async (onDatagram) => {
      sock = await bindSocket(hb.port, group, onDatagram, (s) => {
        s.addMembership(group, local);
        s.setMulticastInterface(local!);
        // Our own datagrams would only be dropped by the codec: not looped back at all.
        s.setMulticastLoopback(false);
        s.setMulticastTTL(1);
      });
    },
    send: (buf) => new Promise((resolve) => sock!.send(buf, hb.port, group, (e) => resolve(e ? 1 : 0))),
    close: () => new Promise((resolve) => (sock ? sock.close(() => resolve()) : resolve())),
  };
}
