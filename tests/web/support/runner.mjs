// A small test runner for the browser suite: named cases run one after the
// other, each failure is printed with its stack, and the last lines are a
// doctest-style summary, which `./dev test` counts like the C++ suites'.
const cases = [];

/// Registers a case; `run` is an async function.
export function test(name, run) {
  cases.push({ name, run });
}

/// Runs the registered cases; resolves to the process exit code.
export async function runAll() {
  let passed = 0;
  let failed = 0;
  for (const { name, run } of cases) {
    const started = Date.now();
    try {
      await run();
      passed += 1;
      console.log(`PASS ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name} (${Date.now() - started} ms)`);
      console.log(String(error?.stack ?? error));
    }
  }
  console.log(`[doctest] test cases: ${cases.length} | ${passed} passed | ` +
              `${failed} failed | 0 skipped`);
  console.log(`[doctest] Status: ${failed === 0 ? 'SUCCESS!' : 'FAILURE!'}`);
  return failed === 0 ? 0 : 1;
}

/// Throws with `message` unless `condition` holds.
export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}
