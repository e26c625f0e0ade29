// The `status` attribute of a vCloud Director Vm or VApp (ResourceEntityType),
// as the API reference lists it.
export const VM_STATUS = {
  FAILED_CREATION: -1,
  UNRESOLVED: 0,
  RESOLVED: 1,
  SUSPENDED: 3,
  POWERED_ON: 4,
  WAITING_FOR_INPUT: 5,
  UNKNOWN: 6,
  UNRECOGNIZED: 7,
  POWERED_OFF: 8,
  INCONSISTENT_STATE: 9,
  MIXED: 10,
} as const;

export const statusName = (code: number): string => Object.entries(VM_STATUS).find(([, v]) => v === code)?.[0] ?? 'UNRECOGNIZED';
