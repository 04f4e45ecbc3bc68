import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { CALLBACK_PATH, completeLogin } from './auth';
import './styles.css';

async function start() {
  if (window.location.pathname === CALLBACK_PATH) {
    // Back from the identity service's login page: exchange the code, then return to where the
    // person was, without the code in the address bar or the history.
    let target = '#/';
    try {
      target = await completeLogin();
    } catch (e) {
      console.warn('login callback failed', e);
    }
    window.history.replaceState(null, '', `/${target}`);
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
