// One person's browser tab on the web client, driven through the page's
// data-testid hooks (web/README.md): what a person does and sees.
import { expect } from './expect.mjs';

export class ChatPage {
  constructor(page) {
    this.page = page;
  }

  byTestId(id) {
    return this.page.locator(`[data-testid="${id}"]`);
  }

  /// Opens the client at `url` and signs up (then is signed in).
  async signUp(url, username, password = 'password123') {
    await this.page.goto(url);
    await this.byTestId('username').fill(username);
    await this.byTestId('password').fill(password);
    await this.byTestId('signup').click();
    await expect(this.byTestId('me'), `${username} signed in`).toHaveText(username);
  }

  /// Finds `username` by the start of the name and opens the chat.
  async startChatWith(username) {
    await this.byTestId('user-search').fill(username.slice(0, 3));
    await this.page.locator(`[data-testid="search-result"][data-username="${username}"]`).click();
    await expect(this.byTestId('chat-title'), `chat with ${username}`).toHaveText(username);
  }

  /// Opens the conversation with `username` from the list.
  async openConversation(username) {
    await this.page.locator(`[data-testid="conversation"][data-peer="${username}"]`).click();
    await expect(this.byTestId('chat-title'), `chat with ${username}`).toHaveText(username);
  }

  /// Types `text` into the composer and sends it with Enter.
  async send(text) {
    await this.byTestId('composer').fill(text);
    await this.byTestId('composer').press('Enter');
  }

  /// The message rows whose text contains `text`.
  messages(text) {
    return this.page.locator('[data-testid="message"]', { hasText: text });
  }

  /// The ids of every message row shown (those that have one).
  async shownIds() {
    return this.page.locator('[data-testid="message"][data-id]')
      .evaluateAll((rows) => rows.map((row) => Number(row.dataset.id)));
  }
}
