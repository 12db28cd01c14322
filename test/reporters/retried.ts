import path from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

/**
 * CI runs the suite with `--retry=1`; this names every test that passed only on its second try, so
 * a flake is seen (and fixed) rather than hidden by the retry. `.ci/run` lists them at the end.
 */
export default class RetriedReporter implements Reporter {
  onTestCaseResult(test: TestCase): void {
    const retries = test.diagnostic()?.retryCount ?? 0;
    if (retries > 0 && test.result().state === 'passed') {
      process.stdout.write(`\n[flaky] passed only on a second try: ${path.relative(process.cwd(), test.module.moduleId)} > ${test.fullName}\n`);
    }
  }
}
