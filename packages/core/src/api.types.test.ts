// Freezes the public API of @capsule/core: a change here is a change for
// every driver. Export names are checked by jest; the shape of the
// interfaces a driver implements is checked by `pnpm typecheck`, which
// fails when Frozen* and the real interface stop being the same type.
import * as core from "./index.js";
import type {
  ActionContext,
  ContainerContext,
  ContainerResource,
  GuestChannel,
  MigrationDestination,
  ManagementHost,
  Resource,
  ResourceInit,
  ResourceStatus,
} from "./index.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

interface FrozenResource {
  readonly rid: string;
  label(): string;
  start(ctx: ActionContext): Promise<void>;
  stop(ctx: ActionContext): Promise<void>;
  status(ctx: ActionContext): Promise<ResourceStatus>;
  devices?(ctx: ActionContext): Promise<string[]>;
  dispose?(): Promise<void>;
}

interface FrozenContainerResource extends FrozenResource {
  readonly guestName: string;
  guestChannel(): GuestChannel;
  start(ctx: ContainerContext): Promise<void>;
  stop(ctx: ContainerContext): Promise<void>;
  status(ctx: ContainerContext): Promise<ResourceStatus>;
  runningElsewhere?(ctx: ContainerContext): Promise<string | undefined>;
  precheckMigration?(
    ctx: ContainerContext,
    to: MigrationDestination
  ): Promise<void>;
  migrate?(ctx: ContainerContext, to: MigrationDestination): Promise<void>;
  replicatedFiles?(): string[];
  managedFrom?(): ManagementHost | undefined;
}

type FrozenInitKeys =
  | "rid"
  | "svcname"
  | "nodename"
  | "config"
  | "env"
  | "root"
  | "service"
  | "settings";

// keyof as well: an added optional member changes the contract too.
export const frozen: [
  Same<Resource, FrozenResource>,
  Same<keyof Resource, keyof FrozenResource>,
  Same<ContainerResource, FrozenContainerResource>,
  Same<keyof ContainerResource, keyof FrozenContainerResource>,
  Same<keyof ResourceInit, FrozenInitKeys>
] = [true, true, true, true, true];

test("exports", () => {
  expect(frozen).toEqual([true, true, true, true, true]);
  expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
    [
      "ACCESSORY_GROUPS",
      "API_VERSION",
      "CapsuleError",
      "DRIVER_BRAND",
      "DriverManifest",
      "ErrorCode",
      "MIN_NODE",
      "PLATFORMS",
      "PROVIDE_PATTERN",
      "RESOURCE_GROUPS",
      "START_ORDER",
      "STATUSES",
      "STATUS_CODE",
      "ValueParser",
      "absolutePathFromString",
      "aggregateStatus",
      "boolFromString",
      "choiceFromString",
      "closest",
      "compareRid",
      "defineDriver",
      "driverDefinitionProblems",
      "durationFromString",
      "editDistance",
      "envSeconds",
      "errorFromJson",
      "formatError",
      "intFromString",
      "isCapsuleError",
      "isContainerResource",
      "isErrorCode",
      "isRid",
      "keywordSpecProblems",
      "kw",
      "listFromString",
      "mergeStatus",
      "nodeAtLeast",
      "parseFlags",
      "parseRid",
      "platformOf",
      "processExists",
      "renderFlags",
      "requireNode",
      "runsOn",
      "skewedClock",
      "statusFromCode",
      "stringFromString",
      "systemClock",
    ]
  `);
});
