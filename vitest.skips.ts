import type { Reporter, TestModule } from 'vitest/node';

/**
 * Lists every skipped test with the reason it gave (`context.skip(reason)`) after the run summary, so a test
 * that cannot run here (e.g. no launchable browser) is never skipped silently.
 */
export default class SkipReasons implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const reason = result.state === 'skipped' && result.note ? result.note : 'no reason given';
        lines.push(`  skipped: ${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}: ${reason}`);
      }
    }
    if (lines.length) process.stdout.write(`\nSkipped tests (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
