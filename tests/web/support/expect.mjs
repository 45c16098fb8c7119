// Waiting assertions on Playwright locators (playwright-core has no
// expect): each polls until its condition holds or the timeout passes,
// then fails naming what it waited for and what it saw.
const defaultTimeoutMs = 15000;

async function poll(what, read, holds, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await read();
      if (holds(last)) return last;
    } catch (error) {
      last = `(${error.message.split('\n')[0]})`;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function expect(locator, what, timeoutMs = defaultTimeoutMs) {
  return {
    toHaveText: (text) => poll(`${what}: text "${text}"`,
      () => locator.first().innerText({ timeout: 1000 }), (t) => t.trim() === text, timeoutMs),
    toContainText: (text) => poll(`${what}: text containing "${text}"`,
      () => locator.first().innerText({ timeout: 1000 }), (t) => t.includes(text), timeoutMs),
    toHaveAttribute: (name, value) => poll(`${what}: ${name}="${value}"`,
      () => locator.first().getAttribute(name, { timeout: 1000 }), (v) => v === value, timeoutMs),
    toHaveCount: (n) => poll(`${what}: ${n} of them`, () => locator.count(), (c) => c === n, timeoutMs),
    toBeVisible: () => poll(`${what}: visible`, () => locator.first().isVisible(), (v) => v === true, timeoutMs),
    toBeHidden: () => poll(`${what}: hidden`, () => locator.first().isVisible(), (v) => v === false, timeoutMs),
  };
}
