/**
 * hog's version. package.json is the one place it is written: every build inlines it here as
 * HOG_VERSION (scripts/bundle.mjs for the CLI bundles, dist/index.cjs and dist/version.js, which
 * replaces tsc's copy of this file; vitest.config.ts for the tests). Nothing reads package.json at
 * run time: a bundle's directory (dist/cli-bundle) has none beside it.
 */
declare const HOG_VERSION: string;

export const VERSION: string = HOG_VERSION;
