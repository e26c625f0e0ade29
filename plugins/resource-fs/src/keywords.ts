// Keywords of [fs#N] sections.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('dev', { doc: 'the device, image or source to mount (tmpfs for a tmpfs)', required: true }),
  kw.path('mnt', { doc: 'the mount point, an absolute path; created when missing', required: true }),
  kw.string('type', { doc: 'the filesystem type (mount -t)' }),
  kw.string('mnt_opt', { doc: 'mount options (mount -o)' }),
] as const;
