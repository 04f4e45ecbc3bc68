/** Sign-in with OpenID Connect (authorization code + PKCE) through oidc-client-ts, with the
 * library's defaults: discovery, refresh-token renewal before expiry, logout through the
 * end_session_endpoint. Tokens live in sessionStorage, so closing the tab ends the session here. */
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { config } from './config';

export const CALLBACK_PATH = '/callback';

export const userManager = new UserManager({
  authority: config.authority,
  client_id: config.clientId,
  redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  scope: 'openid profile api offline_access',
  automaticSilentRenew: true,
  userStore: new WebStorageStateStore({ store: window.sessionStorage }),
});

export async function currentUser(): Promise<User | null> {
  const user = await userManager.getUser();
  if (user && user.expired) {
    try {
      return await userManager.signinSilent();
    } catch {
      await userManager.removeUser();
      return null;
    }
  }
  return user;
}

export function login(returnTo: string = window.location.hash || '#/'): Promise<void> {
  return userManager.signinRedirect({ state: returnTo });
}

export async function completeLogin(): Promise<string> {
  const user = await userManager.signinRedirectCallback();
  return typeof user.state === 'string' ? user.state : '#/';
}

export function logout(): Promise<void> {
  return userManager.signoutRedirect();
}
