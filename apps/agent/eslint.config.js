import baseConfig from "@capsule/eslint-config/base";

export default [
  ...baseConfig,
  {
    // The command line talks to the terminal.
    rules: { "no-console": "off" },
  },
];
