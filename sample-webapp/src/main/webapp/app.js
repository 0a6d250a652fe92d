// The sample's sign-in page: OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) as a
// public client, OpenID Connect for who signed in, refresh before expiry, RP-initiated logout.
// No framework and no build step: read it top to bottom.
'use strict';

(function () {
  // One sessionStorage key per thing kept, so that a reload keeps the session and a new tab starts clean.
  const KEY = {
    pending: 'sample.pending',   // { state, nonce, verifier } while the browser is at the issuer
    tokens: 'sample.tokens',     // { accessToken, refreshToken, idToken, expiresAt (ms) }
    refreshes: 'sample.refreshes'
  };
  // Refresh this long before expiry, unless the token lives so briefly that half its life is sooner.
  const REFRESH_MARGIN_SECONDS = 30;

  let config;      // /config.json: { issuer, clientId, scope }
  let provider;    // the issuer's discovery document
  let refreshTimer;

  const $ = (id) => document.getElementById(id);

  // The page lives at <base>/ and <base>/callback; <base> is wherever the WAR is deployed.
  const baseUrl = new URL('.', window.location.href).href;
  const redirectUri = new URL('callback', baseUrl).href;

  function setStatus(text, kind) {
    $('status').textContent = text;
    $('status').dataset.kind = kind || 'info';
  }

  function show(state) {
    document.body.dataset.state = state;
    $('signed-in').classList.toggle('hidden', state !== 'signed-in');
    $('signed-out').classList.toggle('hidden', state !== 'signed-out');
  }

  // ---- PKCE and random values ----

  function base64Url(bytes) {
    let text = '';
    bytes.forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function randomValue() {
    return base64Url(crypto.getRandomValues(new Uint8Array(32))); // 43 characters, 256 bits
  }

  async function s256(verifier) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
    return base64Url(new Uint8Array(digest));
  }

  // The ID token came straight from the token endpoint over the connection this page opened, so its
  // payload is read without checking the signature (OIDC Core 3.1.3.7, item 6); iss, aud and nonce are checked.
  function jwtPayload(jwt) {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  // ---- storage ----

  function load(key) {
    const text = sessionStorage.getItem(key);
    return text ? JSON.parse(text) : null;
  }

  function save(key, value) {
    sessionStorage.setItem(key, JSON.stringify(value));
  }

  function forget() {
    Object.values(KEY).forEach((key) => sessionStorage.removeItem(key));
    clearTimeout(refreshTimer);
  }

  // ---- the flow ----

  async function signIn() {
    const pending = { state: randomValue(), nonce: randomValue(), verifier: randomValue() };
    save(KEY.pending, pending);
    const url = new URL(provider.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: redirectUri,
      scope: config.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await s256(pending.verifier),
      code_challenge_method: 'S256',
      // The page names the user from the ID token; with an access token issued, profile claims live at
      // userinfo (OIDC Core §5.4), so the ones shown are asked for in the ID token itself (§5.5).
      claims: JSON.stringify({ id_token: { preferred_username: null, name: null } })
    }).toString();
    window.location.assign(url.href);
  }

  async function handleCallback(params) {
    const pending = load(KEY.pending);
    sessionStorage.removeItem(KEY.pending);
    // Leave the callback address at once: the code must not be reused by a reload or leak via history.
    window.history.replaceState(null, '', baseUrl);
    if (params.has('error')) {
      throw new Error('Sign-in failed: ' + params.get('error') + (params.get('error_description') ? ' (' + params.get('error_description') + ')' : ''));
    }
    if (!pending || params.get('state') !== pending.state) {
      throw new Error('Sign-in failed: the answer does not match a sign-in started here (state mismatch).');
    }
    const tokens = await tokenRequest({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri,
      client_id: config.clientId,
      code_verifier: pending.verifier
    });
    const claims = jwtPayload(tokens.idToken);
    const audience = [].concat(claims.aud);
    if (claims.iss !== provider.issuer || !audience.includes(config.clientId) || claims.nonce !== pending.nonce) {
      throw new Error('Sign-in failed: the ID token is not for this page (issuer, audience or nonce).');
    }
    save(KEY.refreshes, 0);
    save(KEY.tokens, tokens);
  }

  async function tokenRequest(form) {
    const response = await fetch(provider.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form)
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error('Token endpoint said ' + response.status + ' ' + (body.error || '') + (body.error_description ? ': ' + body.error_description : ''));
    }
    const previous = load(KEY.tokens) || {};
    return {
      accessToken: body.access_token,
      // A refresh answer may omit what did not change (RFC 6749 §6): keep the ones we have.
      refreshToken: body.refresh_token || previous.refreshToken,
      idToken: body.id_token || previous.idToken,
      expiresAt: Date.now() + (Number(body.expires_in) || 300) * 1000
    };
  }

  function scheduleRefresh(tokens) {
    clearTimeout(refreshTimer);
    if (!tokens.refreshToken) {
      return;
    }
    const lifetime = Math.max(0, (tokens.expiresAt - Date.now()) / 1000);
    const due = Math.max(lifetime / 2, lifetime - REFRESH_MARGIN_SECONDS);
    refreshTimer = setTimeout(() => refresh().catch(signedOutWith), due * 1000);
  }

  async function refresh() {
    const current = load(KEY.tokens);
    const tokens = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: current.refreshToken,
      client_id: config.clientId
    });
    save(KEY.tokens, tokens);
    save(KEY.refreshes, (load(KEY.refreshes) || 0) + 1);
    renderSignedIn(tokens);
    setStatus('Access token refreshed.');
  }

  function signOut() {
    const tokens = load(KEY.tokens);
    forget();
    if (!provider.end_session_endpoint || !tokens) {
      show('signed-out');
      setStatus('Signed out here; the identity server offers no logout endpoint.');
      return;
    }
    const url = new URL(provider.end_session_endpoint);
    url.search = new URLSearchParams({
      id_token_hint: tokens.idToken,
      client_id: config.clientId,
      post_logout_redirect_uri: baseUrl
    }).toString();
    window.location.assign(url.href);
  }

  // ---- the API ----

  async function callApi(path) {
    const tokens = load(KEY.tokens);
    const headers = { Accept: 'application/json' };
    if (tokens) {
      headers.Authorization = 'Bearer ' + tokens.accessToken;
    }
    const response = await fetch(new URL(path, baseUrl), { headers });
    let text = await response.text();
    try {
      text = JSON.stringify(JSON.parse(text), null, 2); // readable without a scroll bar
    } catch (notJson) {
      // shown as it came
    }
    $('api-status').textContent = String(response.status);
    // A 401/403 says why in its challenge (e.g. error="insufficient_scope"), not in its body, which is
    // the container's generic error page when there is one: show the challenge first.
    const challenge = response.headers.get('WWW-Authenticate');
    $('api-result').textContent = challenge ? 'WWW-Authenticate: ' + challenge + (text ? '\n\n' + text : '') : text;
  }

  // ---- rendering ----

  function renderSignedIn(tokens) {
    const claims = jwtPayload(tokens.idToken);
    $('user-name').textContent = claims.preferred_username || claims.name || claims.email || claims.sub;
    $('user-subject').textContent = '(subject ' + claims.sub + ')';
    $('token-expiry').textContent = new Date(tokens.expiresAt).toLocaleTimeString();
    $('refresh-count').textContent = String(load(KEY.refreshes) || 0);
    show('signed-in');
    scheduleRefresh(tokens);
  }

  function signedOutWith(error) {
    forget();
    show('signed-out');
    setStatus(error.message, 'error');
  }

  function on(id, action) {
    $(id).addEventListener('click', () => {
      Promise.resolve().then(action).catch((error) => setStatus(error.message, 'error'));
    });
  }

  async function start() {
    config = await (await fetch(new URL('config.json', baseUrl))).json();
    const discovery = await fetch(config.issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
    if (!discovery.ok) {
      throw new Error('Cannot read the discovery document of ' + config.issuer + ' (' + discovery.status + ')');
    }
    provider = await discovery.json();

    on('sign-in', signIn);
    on('sign-out', signOut);
    on('call-public', () => callApi('api/public/hello'));
    on('call-api', () => callApi('api/me'));
    on('call-admin', () => callApi('api/admin/stats'));
    on('refresh', refresh);

    const params = new URLSearchParams(window.location.search);
    if (params.has('code') || params.has('error')) {
      await handleCallback(params);
    }
    const tokens = load(KEY.tokens);
    if (!tokens) {
      show('signed-out');
      setStatus('Not signed in.');
      return;
    }
    if (tokens.expiresAt <= Date.now()) {
      await refresh();
    } else {
      renderSignedIn(tokens);
    }
    setStatus('Signed in.');
    await callApi('api/me');
  }

  start().catch(signedOutWith);
})();
