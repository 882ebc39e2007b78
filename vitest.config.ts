import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// src/version.ts's HOG_VERSION, as every build inlines it: package.json is the version's one place
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  define: { HOG_VERSION: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    // tests spawn real processes, cgroups and terminals: separate processes, generous timeouts
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
