// The client's own behaviour in Debian's Chromium: a send during a network
// cut waits and goes out once, messages from another device of the same
// person, history paging on scroll, labelled controls and the keyboard.
import { expect } from './support/expect.mjs';
import { startRelay } from './support/network_cut.mjs';
import { check, test } from './support/runner.mjs';
import { logIn, person, withNodes } from './support/scenario.mjs';

test('a message written while the network is cut waits as pending and goes ' +
     'out once when it is back', async () => {
  await withNodes(1, async ([node], browser) => {
    const bobsNetwork = await startRelay(node.port);
    try {
      const alice = await person(browser);
      const bob = await person(browser);
      await alice.signUp(node.url, 'alice');
      await bob.signUp(bobsNetwork.url, 'bob');
      await bob.startChatWith('alice');
      await bob.send('first');
      await expect(bob.messages('first'), 'stored').toHaveAttribute('data-status', 'delivered');
      bobsNetwork.cut();
      await expect(bob.byTestId('banner'), 'reconnecting banner').toBeVisible();
      await bob.send('from the tunnel');
      await expect(bob.messages('from the tunnel'), 'pending while cut')
        .toHaveAttribute('data-status', 'pending');
      bobsNetwork.restore();
      await expect(bob.messages('from the tunnel'), 'sent once back')
        .toHaveAttribute('data-status', 'delivered');
      await alice.openConversation('bob');
      await expect(alice.messages('from the tunnel'), 'Alice has it once').toHaveCount(1);
      await expect(bob.messages('from the tunnel'), 'Bob shows it once').toHaveCount(1);
    } finally {
      await bobsNetwork.close();
    }
  });
});

test('messages from my other device appear in the chat, and older history ' +
     'loads on scroll', async () => {
  await withNodes(1, async ([node], browser) => {
    const laptop = await person(browser);
    const bob = await person(browser);
    await laptop.signUp(node.url, 'alice');
    await bob.signUp(node.url, 'bob');
    const phone = await person(browser);
    await logIn(phone, node.url, 'alice');

    await laptop.startChatWith('bob');
    await laptop.send('from my laptop');
    await phone.openConversation('bob');
    const mine = phone.page.locator('[data-testid="message"][data-direction="out"]', { hasText: 'from my laptop' });
    await expect(mine, 'the laptop\'s message on the phone, as mine').toHaveCount(1);

    // 70 more messages, sent by Bob's page over its own WebSocket.
    const count = 70;
    await bob.page.evaluate(async ({ peer, count }) => {
      const token = JSON.parse(sessionStorage.getItem('parley.session')).token;
      const ws = new WebSocket(`ws://${location.host}/ws?access_token=${encodeURIComponent(token)}`);
      await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
      let confirmed = 0;
      const done = new Promise((resolve) => {
        ws.onmessage = (event) => {
          if (JSON.parse(event.data).type === 'message_sent' && ++confirmed === count) resolve();
        };
      });
      for (let i = 0; i < count; i += 1)
        ws.send(JSON.stringify({ type: 'private_message', recipient_id: peer, content: `bulk ${i}` }));
      await done;
      ws.close();
    }, { peer: await laptop.page.evaluate(() => JSON.parse(sessionStorage.getItem('parley.session')).user.id), count });
    await bob.openConversation('alice');
    await expect(bob.messages('bulk 69'), 'the newest').toHaveCount(1);
    const bulk = bob.page.locator('[data-testid="message"]', { hasText: 'bulk ' });
    await bob.page.reload();
    await expect(bob.byTestId('me'), 'Bob again').toHaveText('bob');
    await bob.openConversation('alice');
    await expect(bob.messages('bulk 69'), 'the newest after reload').toHaveCount(1);
    const firstPage = await bulk.count();
    check(firstPage < count, `one page first (${firstPage} of ${count})`);
    await bob.page.locator('[role="log"]').evaluate((log) => { log.scrollTop = 0; });
    await expect(bob.messages('from my laptop'), 'the oldest after scrolling up').toHaveCount(1);
    await expect(bulk, 'every bulk message once').toHaveCount(count);
  });
});

test('every control is labelled, and the client works from the keyboard', async () => {
  await withNodes(1, async ([node], browser) => {
    const alice = await person(browser);
    const bob = await person(browser);
    await bob.signUp(node.url, 'bob');
    await alice.page.goto(node.url);
    const unlabelled = () => alice.page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, button, select')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => !(el.getAttribute('aria-label') || el.labels?.length ||
                          el.textContent.trim() || el.getAttribute('aria-labelledby')))
        .map((el) => el.outerHTML));
    check((await unlabelled()).length === 0, `unlabelled on sign-in: ${await unlabelled()}`);
    await alice.byTestId('username').focus();
    await alice.page.keyboard.type('alice');
    await alice.page.keyboard.press('Tab');
    await alice.page.keyboard.type('password123');
    await alice.byTestId('signup').focus();
    await alice.page.keyboard.press('Enter');
    await expect(alice.byTestId('me'), 'signed up by keyboard').toHaveText('alice');
    check((await unlabelled()).length === 0, `unlabelled when signed in: ${await unlabelled()}`);
    await alice.byTestId('user-search').focus();
    await alice.page.keyboard.type('bo');
    await expect(alice.byTestId('search-result'), 'a result').toHaveCount(1);
    await alice.page.keyboard.press('ArrowDown');
    await alice.page.keyboard.press('Enter');
    await expect(alice.byTestId('chat-title'), 'chat opened by keyboard').toHaveText('bob');
    await alice.byTestId('composer').focus();
    await alice.page.keyboard.type('typed, not clicked');
    await alice.page.keyboard.press('Enter');
    await expect(alice.messages('typed, not clicked'), 'sent by Enter').toHaveAttribute('data-status', 'delivered');
    check((await unlabelled()).length === 0, `unlabelled in a chat: ${await unlabelled()}`);
  });
});
