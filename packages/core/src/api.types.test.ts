// Freezes the public API of @capsule/core: a change here is a change for every driver.
import * as core from "./index.js";

test("exports", () => {
  expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
    [
      "API_VERSION",
      "CapsuleError",
      "DRIVER_BRAND",
      "DriverDefinitionSchema",
      "DriverManifest",
      "KeywordSpecShape",
      "PLATFORMS",
      "Platform",
      "Provide",
      "RESOURCE_GROUPS",
      "ResourceFlags",
      "STATUSES",
      "STATUS_CODE",
      "Status",
      "absolutePathFromString",
      "aggregateStatus",
      "boolFromString",
      "closest",
      "compareRid",
      "defineDriver",
      "durationFromString",
      "editDistance",
      "formatError",
      "intFromString",
      "isCapsuleError",
      "isContainerResource",
      "isRid",
      "kw",
      "listFromString",
      "mergeStatus",
      "parseFlags",
      "parseRid",
      "platformOf",
      "renderFlags",
      "runsOn",
      "statusFromCode",
    ]
  `);
});
