// The heartbeat link of an [hb#N] section, by its type: the daemon does not know which it holds.
import type { HbConfig } from '../config.js';
import { multicastLink } from './multicast.js';
import { unicastLink, type HeartbeatLink } from './unicast.js';

export const linkFor = (hb: HbConfig, self: string): HeartbeatLink => (hb.type === 'multicast' ? multicastLink(hb, self) : unicastLink(hb, self));
