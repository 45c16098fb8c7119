// The pieces every browser scenario uses: nodes on a fresh database with a
// browser next to them, people in browser contexts of their own.
import { launchBrowser } from './browser.mjs';
import { ChatPage } from './chat_page.mjs';
import { expect } from './expect.mjs';
import { backend, freshDatabase, makeScratch, startNode } from './node_process.mjs';

/// Runs `body(nodes, browser)` with `count` nodes on one fresh database
/// (a cluster when count > 1) and a browser; stops all of it afterwards.
export async function withNodes(count, body) {
  const scratch = makeScratch();
  const nodes = [];
  let browser = null;
  try {
    const db = freshDatabase(scratch, count > 1 ? 'postgresql' : backend());
    for (let i = 0; i < count; i += 1) {
      const args = ['--db', db, '--token-key-file', scratch.keyFile];
      if (count > 1) args.push('--cluster-listen', '127.0.0.1:0', '--node-name', `node${i}`);
      nodes.push(await startNode(args));
    }
    browser = await launchBrowser();
    await body(nodes, browser);
  } catch (error) {
    for (const [i, node] of nodes.entries()) error.message += `\n--- node${i} log:\n${node.log()}`;
    throw error;
  } finally {
    if (browser) await browser.close();
    await Promise.all(nodes.map((node) => node.stop()));
    scratch.cleanup();
  }
}

/// A person in a browser context of their own (own storage, own tab).
export async function person(browser, viewport = { width: 1100, height: 720 }) {
  const context = await browser.newContext({ viewport });
  return new ChatPage(await context.newPage());
}

/// The presence dot of `peer` in the conversation list.
export function dotOf(chat, peer) {
  return chat.page.locator(`[data-testid="conversation"][data-peer="${peer}"] [data-testid="presence"]`);
}

/// Opens the client at `url` in `chat` and logs in as `username`.
export async function logIn(chat, url, username, password = 'password123') {
  await chat.page.goto(url);
  await chat.byTestId('username').fill(username);
  await chat.byTestId('password').fill(password);
  await chat.byTestId('login').click();
  await expect(chat.byTestId('me'), `${username} logged in`).toHaveText(username);
}
