// The web client in Debian's Chromium against real nodes: two people in
// two browser contexts sign up, find each other, chat both ways with ticks,
// see presence and typing; one goes offline and back and gets what it
// missed, once; a reload keeps the conversation; and the same across a
// two-node cluster with each browser on its own node. Run by
// tests/web/run.mjs (meson test "web client in Chromium").
import { screenshot } from './support/browser.mjs';
import { expect } from './support/expect.mjs';
import { startRelay } from './support/network_cut.mjs';
import { backend } from './support/node_process.mjs';
import { check, test } from './support/runner.mjs';
import { dotOf, logIn, person, withNodes } from './support/scenario.mjs';

/// Alice and Bob chat both ways through `nodeA` and `nodeB`: ticks,
/// unread badge, presence and typing, as each of them sees it.
async function chatBothWays(alice, bob, { shots = false } = {}) {
  await alice.startChatWith('bob');
  await alice.send('Hi Bob!');
  await expect(alice.messages('Hi Bob!'), "Alice's message stored")
    .toHaveAttribute('data-status', 'delivered');
  await expect(bob.page.locator('[data-testid="conversation"][data-peer="alice"] [data-testid="unread"]'),
    "Bob's unread badge").toHaveText('1');
  await expect(dotOf(bob, 'alice'), 'Alice online for Bob').toHaveAttribute('data-status', 'online');
  await expect(dotOf(alice, 'bob'), 'Bob online for Alice').toHaveAttribute('data-status', 'online');
  await bob.openConversation('alice');
  await expect(bob.messages('Hi Bob!'), 'Bob sees the message once').toHaveCount(1);
  await expect(alice.messages('Hi Bob!'), 'read tick').toHaveAttribute('data-status', 'read');

  await bob.byTestId('composer').pressSequentially('Hello Al', { delay: 30 });
  await expect(alice.byTestId('typing'), 'Alice sees Bob typing').toHaveText('bob is typing…');
  if (shots) await screenshot(alice.page, 'chat');
  await bob.byTestId('composer').press('Enter');
  await expect(alice.messages('Hello Al'), "Bob's reply").toHaveCount(1);
  await expect(alice.byTestId('typing'), 'typing ended with the message').toHaveText('');
  await expect(bob.messages('Hello Al'), "Bob's reply read by Alice")
    .toHaveAttribute('data-status', 'read');
}

test('two people sign up, find each other and chat both ways with ticks, ' +
     'presence and typing', async () => {
  await withNodes(1, async ([node], browser) => {
    const alice = await person(browser);
    const bob = await person(browser);
    await alice.page.goto(node.url);
    await screenshot(alice.page, 'sign-in');
    await alice.signUp(node.url, 'alice');
    await bob.signUp(node.url, 'bob');
    await chatBothWays(alice, bob, { shots: true });
    await screenshot(bob.page, 'conversation');
    const phone = await person(browser, { width: 390, height: 780 });
    await logIn(phone, node.url, 'bob');
    await phone.openConversation('alice');
    await expect(phone.messages('Hello Al'), "Bob's phone has the chat").toHaveCount(1);
    await screenshot(phone.page, 'phone');
  });
});

test('one goes offline and back and gets what was missed, once; a reload ' +
     'keeps the conversation', async () => {
  await withNodes(1, async ([node], browser) => {
    // Bob's browser reaches the node through a relay the test can cut.
    const bobsNetwork = await startRelay(node.port);
    try {
      await offlineAndBack(node, bobsNetwork, browser);
    } finally {
      await bobsNetwork.close();
    }
  });
});

async function offlineAndBack(node, bobsNetwork, browser) {
  const alice = await person(browser);
  const bob = await person(browser);
  await alice.signUp(node.url, 'alice');
  await bob.signUp(bobsNetwork.url, 'bob');
  await alice.startChatWith('bob');
  await alice.send('before');
  await bob.openConversation('alice');
  await expect(bob.messages('before'), 'Bob has the first').toHaveCount(1);

  bobsNetwork.cut();
  await expect(bob.byTestId('banner'), 'reconnecting banner').toBeVisible();
  await expect(dotOf(alice, 'bob'), 'Bob offline for Alice').toHaveAttribute('data-status', 'offline');
  await alice.send('while away 1');
  await alice.send('while away 2');
  await expect(alice.messages('while away 2'), 'stored').toHaveAttribute('data-status', 'sent');
  bobsNetwork.restore();
  await expect(bob.byTestId('banner'), 'banner gone').toBeHidden();
  await expect(bob.messages('while away 1'), 'missed 1, once').toHaveCount(1);
  await expect(bob.messages('while away 2'), 'missed 2, once').toHaveCount(1);
  const ids = await bob.shownIds();
  check(new Set(ids).size === ids.length, `no message shown twice: ${ids}`);
  await expect(dotOf(alice, 'bob'), 'Bob back online').toHaveAttribute('data-status', 'online');

  await bob.page.reload();
  await expect(bob.byTestId('me'), 'still signed in after reload').toHaveText('bob');
  await bob.openConversation('alice');
  for (const text of ['before', 'while away 1', 'while away 2'])
    await expect(bob.messages(text), `"${text}" after reload`).toHaveCount(1);
}

// Cluster mode is PostgreSQL only: this case runs in the PostgreSQL pass.
if (backend() === 'postgresql') test('across a two-node cluster, each browser on its own node', async () => {
  await withNodes(2, async ([node0, node1], browser) => {
    const alice = await person(browser);
    const bob = await person(browser);
    await alice.signUp(node0.url, 'alice');
    await bob.signUp(node1.url, 'bob');
    await chatBothWays(alice, bob);
  });
});
