// Debian's Chromium driven by Playwright (playwright-core: no browser
// download; the browser is the system's, through executablePath).
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/// The system browser's path, or a clear error saying how to get it.
export function chromiumPath() {
  const path = process.env.PARLEY_CHROMIUM ?? candidates.find((p) => existsSync(p));
  if (!path) throw new Error('no Chromium: install Debian\'s chromium package (./dev test does)');
  return path;
}

/// A headless browser; close() it when done.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for the sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/// Saves a screenshot of `page` as NAME.png in $PARLEY_SCREENSHOT_DIR
/// (when set: ./dev screenshots points it at docs/screenshots).
export async function screenshot(page, name) {
  const dir = process.env.PARLEY_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}
