/** Types of build-if-stale.mjs for the TypeScript that imports it (test/buildApps.ts and its test). */
export interface Target {
  name: string;
  output: string;
  sources: string[];
  build: () => Promise<void>;
}
export const TARGETS: Target[];
export function isStale(target: Target): boolean;
