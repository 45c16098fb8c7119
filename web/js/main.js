// Entry point: shows the sign-in screen or, with a session in this tab, the
// chat; switches between them on login and on logout or a lost session.
import { clearSession, loadSession, saveSession } from './session.js';
import { startChat } from './app.js';
import { createBanner } from './views/banner.js';
import { showAuth } from './views/auth_view.js';

const root = document.getElementById('app');
const banner = createBanner(document.getElementById('banner'));

function signIn(session) {
  saveSession(session);
  startChat(root, session, { banner, onSignedOut: signOut });
}

function signOut(notice) {
  clearSession();
  showAuth(root, { notice, onSession: signIn });
}

const saved = loadSession();
if (saved) signIn(saved);
else showAuth(root, { onSession: signIn });
