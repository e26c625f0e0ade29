import baseConfig from "@capsule/eslint-config/base";

export default baseConfig;
