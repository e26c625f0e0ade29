// Shared flat config: `import baseConfig from "@capsule/eslint-config/base"`.
//
// No type information: TypeScript 7 (the `tsc` the packages build with) has no
// JavaScript API, so parserOptions.project / projectService cannot work. The
// parser uses this package's own TypeScript 5 dependency to read syntax only.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["**/dist/", "**/node_modules/", "**/coverage/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      // Node globals only; no DOM in an agent.
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports" },
      ],
      eqeqeq: ["error", "always"],
      // Libraries report through their callers (errors, out/err writers), never the console.
      "no-console": "error",
    },
  },
  {
    // Jest globals only where tests live.
    files: ["**/*.test.ts", "**/test/**"],
    languageOptions: { globals: { ...globals.jest } },
    // Test regexes copy padded CLI/log output ("\n  hint:", "INFO  app#1") verbatim; " {2}" only obscures it.
    rules: { "no-regex-spaces": "off" },
  },
  {
    // Command-line entry points and scripts talk to the terminal.
    files: ["**/bin/**", "**/scripts/**", "**/*.mjs"],
    rules: { "no-console": "off" },
  },
);
