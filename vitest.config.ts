import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/tests/**/*.test.ts', 'examples/**/*.test.ts', 'chaos/tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    pool: 'forks',
    // The default summary only counts skips; the second reporter says why each one was skipped.
    reporters: ['default', './vitest.skips.ts'],
  },
});
