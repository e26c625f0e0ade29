// Keywords every container section accepts, whatever its driver: what the
// hypervisor does with the guest as a guest, not how the container runs.
import { kw, type KeywordSpec } from '@capsule/core';

export const containerKeywords: KeywordSpec[] = [
  kw.bool('push_agent', {
    doc: "copy the hypervisor's guest agent (one executable, no Node needed) into the guest when it has no svcmgr or an older pushed one; capsule's own, OpenSVC has no such keyword",
    default: false,
  }),
];
