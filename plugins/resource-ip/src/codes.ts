// Error codes of the ip resource, from the core catalogue (packages/core/src/codes.ts).
import type { ErrorCode } from '@capsule/core';

export const IpCode = {
  /** ipdev has no carrier (cable out, peer down) or is administratively down. */
  NoCarrier: 'IpNoCarrier',
  /** The default route through gateway could not be added or removed. */
  GatewayFailed: 'IpGatewayFailed',
  /** The alias label ipdev:N cannot be given (longer than an interface name may be). */
  AliasInvalid: 'IpAliasInvalid',
} as const satisfies Record<string, ErrorCode>;
