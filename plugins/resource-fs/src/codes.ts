// Error codes of the fs resource, from the core catalogue (packages/core/src/codes.ts).
import type { ErrorCode } from '@capsule/core';

export const FsCode = {
  /** user or group names nobody on this node. */
  OwnerUnknown: 'FsOwnerUnknown',
  /** chown or chmod of the mount point failed. */
  OwnershipFailed: 'FsOwnershipFailed',
  /** The mount point did not answer stat when its owner was to be set. */
  StatFailed: 'FsStatFailed',
  /** zfs get or zfs set of quota or refquota failed. */
  ZfsPropertyFailed: 'ZfsPropertyFailed',
} as const satisfies Record<string, ErrorCode>;
