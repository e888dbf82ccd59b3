'use strict';
// The trading page: quotes and order updates stream over the event-bus bridge (SockJS); orders go over REST.
// Everything needs an API token: it comes from the link (#token=...), stays in this tab's sessionStorage, goes
// in the Authorization header of every REST call (api()) and in the headers of every bridge frame.

const $ = (selector, root = document) => root.querySelector(selector);
const DEFAULT_SYMBOLS = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'NVDA', '/ES'];
const STALE_AFTER_MS = 15000;
const CHART_BARS = 60; // one hour of 1-minute candles
const TOKEN_KEY = 'thortrading.token';
const AUTH_FAILURES = ['access_denied', 'token_revoked'];

// Who the page acts for: the token, and what GET /api/whoami said about it.
const auth = { token: null, account: null, role: null, rechecking: false };

/** Thrown by api() when the call no longer matters: the token was refused (401) or replaced meanwhile. */
class SignedOut extends Error {}

const state = {
  symbols: loadSymbols(),
  quotes: {},
  updatedAt: {},
  handlers: {},
  selected: null,
  // The selected symbol's 1-minute candles, oldest first, and the day's cumulative volume last seen for it.
  chart: [],
  chartVolume: null,
  account: null,
  accountData: null,
  orders: new Map(),
  ordersHandler: null,
  // The highest order-event seq applied for state.account (null: none yet), and which account's list is shown:
  // both start again with every sign-in, sign-out and account switch (a new epoch drops answers of the old one).
  ordersSeq: null,
  accountSeq: null, // event_seq of the account snapshot shown
  ordersEpoch: 0,
};
let bus = null;

// What the streams did, for a look from the console (and the browser tests): quotes received, order events
// applied, stale or duplicate ones ignored, loads of the orders list over REST, and the since_seq of each register
// (null: none).
const thorStats = { quotes: 0, chartLoads: 0, candleUpdates: 0, applied: 0, ignored: 0, lastSeq: null, appliedSeqs: [], ordersLoads: 0,
  accountLoads: 0, registrations: [] };
window.thorStats = thorStats;

function loadSymbols() {
  try {
    const saved = JSON.parse(localStorage.getItem('thor.watchlist'));
    if (Array.isArray(saved)) return saved;
  } catch (e) { /* fall back to the defaults */ }
  return DEFAULT_SYMBOLS.slice();
}

function saveSymbols() {
  localStorage.setItem('thor.watchlist', JSON.stringify(state.symbols));
}

function normalizeSymbol(text) {
  return text.trim().toUpperCase();
}

// --- signing in ---------------------------------------------------------------------------------------

/** The token of a #token=... link, removed from the address bar (and so from history and bookmarks). */
function takeTokenFromLink() {
  const hash = location.hash.replace(/^#/, '');
  if (!hash) return null;
  const token = new URLSearchParams(hash).get('token');
  if (token === null) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return token.trim() || null;
}

/**
 * Every REST call goes through here: the bearer token, and JSON for bodies. Resolves to {status, ok, body};
 * a 401 signs the page out with the server's reason and rejects with SignedOut, as does an answer that
 * arrives after the token changed.
 */
async function api(path, options = {}) {
  const token = auth.token;
  if (!token) throw new SignedOut('Not signed in');
  const headers = new Headers(options.headers || {});
  headers.set('authorization', 'Bearer ' + token);
  let body = options.body;
  if (body !== undefined && body !== null) {
    if (typeof body !== 'string') body = JSON.stringify(body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const response = await fetch(path, { ...options, headers, body, cache: 'no-store' });
  let json = null;
  try {
    json = await response.json();
  } catch (e) { /* no JSON body */ }
  if (auth.token !== token) throw new SignedOut('The token changed while the server answered');
  if (response.status === 401) {
    const reason = errorMessage(json, 'The server no longer accepts this token');
    signOut(reason);
    throw new SignedOut(reason);
  }
  return { status: response.status, ok: response.ok, body: json };
}

function errorMessage(body, fallback) {
  return (body && body.error && body.error.message) || fallback;
}

/** Checks a token with GET /api/whoami and, when the server knows it, opens the page for its account. */
async function signIn(token) {
  closeBus();
  resetAccountView();
  auth.token = token;
  auth.account = null;
  auth.role = null;
  sessionStorage.setItem(TOKEN_KEY, token);
  showSignIn('Checking the token…', 'info');
  let answer;
  try {
    answer = await api('/api/whoami');
  } catch (e) {
    if (e instanceof SignedOut || auth.token !== token) return; // refused (the box says why) or superseded
    auth.token = null; // kept in sessionStorage: a reload tries it again
    showSignIn('The server cannot be reached to check the token; try again shortly.', 'bad');
    return;
  }
  if (answer.status !== 200 || !answer.body || !answer.body.account) {
    auth.token = null;
    if (answer.status === 200) sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(answer.status === 200 ? 'This token acts for no account; sign in with an account\'s token.'
      : errorMessage(answer.body, 'The server cannot check the token now (' + answer.status + '); try again shortly.'), 'bad');
    return;
  }
  auth.account = answer.body.account;
  auth.role = answer.body.role;
  state.account = auth.account;
  showApp();
  connect();
}

/** Forgets the token, stops the stream, and shows the sign-in box with why. */
function signOut(reason, kind = 'bad') {
  auth.token = null;
  auth.account = null;
  auth.role = null;
  sessionStorage.removeItem(TOKEN_KEY);
  closeBus();
  resetAccountView();
  showSignIn(reason || '', kind);
}

function showSignIn(reason, kind) {
  $('#app').hidden = true;
  $('#signed-in').hidden = true;
  $('#signin').hidden = false;
  const el = $('#signin-reason');
  el.textContent = reason || '';
  el.className = 'result ' + (kind || '');
  setConnection('signed out', 'signed-out');
  if (kind !== 'info' || !auth.token) $('#signin-token').focus();
}

function showApp() {
  $('#signin').hidden = true;
  $('#signin-reason').textContent = '';
  $('#signed-in-account').textContent = auth.account;
  $('#signed-in-role').textContent = auth.role === 'admin' ? '(operator)' : '';
  $('#account-switch').hidden = auth.role !== 'admin';
  $('#account').value = state.account;
  $('#signed-in').hidden = false;
  $('#app').hidden = false;
  renderTiles();
  drawChart();
}

/** The stream refused or dropped the token: ask the API whether it still stands (a 401 signs out). */
async function recheckToken() {
  if (auth.rechecking || !auth.token) return;
  auth.rechecking = true;
  try {
    await api('/api/whoami');
  } catch (e) {
    /* a 401 already signed out; offline: the connection indicator says so */
  } finally {
    auth.rechecking = false;
  }
}

function isAuthFailure(err) {
  return !!err && (AUTH_FAILURES.includes(err.failureType) || AUTH_FAILURES.includes(err.body));
}

// --- connection -----------------------------------------------------------------------------------------

/**
 * The SockJS transports the page may use, from an optional ?transports=xhr-streaming,xhr-polling in its address
 * (say where a proxy refuses websockets); null, the default, lets SockJS pick (websocket first).
 */
function transportsFromAddress() {
  const value = new URLSearchParams(location.search).get('transports');
  if (value === null) return null;
  const names = value.split(',').map((name) => name.trim()).filter((name) => name);
  return names.length ? names : null;
}

function connect() {
  closeBus();
  const options = { vertxbus_reconnect_delay_min: 500, vertxbus_reconnect_delay_max: 5000 };
  // The EventBus hands its options object to every new SockJS(url, null, options) it makes, reconnects included.
  const transports = transportsFromAddress();
  if (transports) options.transports = transports;
  const b = new EventBus('/eventbus', options);
  // Before the socket opens: every register frame, also those sent again after a reconnect, carries the token.
  b.defaultHeaders = { authorization: 'Bearer ' + auth.token };
  b.enableReconnect(true);
  bus = b;
  setConnection('connecting');
  b.onopen = () => {
    if (bus !== b) return;
    // The client forgets its handlers on every (re)connect: register everything again.
    state.handlers = {};
    state.ordersHandler = null;
    setConnection('live');
    state.symbols.forEach(followQuotes);
    followOrders(); // replays what happened to the orders while the socket was down, or loads the list afresh
    refreshAccount();
    if (state.selected) loadChart(state.selected);
  };
  b.onclose = (event) => {
    if (bus !== b) return;
    setConnection('reconnecting');
    if (event && event.code === 4001) recheckToken(); // the server closes the sockets of a revoked token
  };
  b.onerror = (err) => {
    if (bus !== b) return;
    if (isAuthFailure(err)) {
      recheckToken();
    } else {
      console.warn('event bus error', err);
    }
  };
}

/** Stops the stream for good (sign-out, another token): no reconnect, no more messages. */
function closeBus() {
  const b = bus;
  bus = null;
  state.handlers = {};
  state.ordersHandler = null;
  if (!b) return;
  b.onopen = null;
  b.onclose = null;
  b.onerror = () => {};
  b.enableReconnect(false);
  try {
    b.close();
  } catch (e) { /* it was between reconnects: nothing to close */ }
}

function setConnection(status, cls) {
  const el = $('#connection');
  el.textContent = status;
  el.className = 'conn ' + (cls || status);
  // While live, the badge tells which SockJS transport carries the stream (websocket, xhr-streaming, …).
  const transport = status === 'live' && bus && bus.sockJSConn ? bus.sockJSConn.transport : null;
  if (transport) {
    el.dataset.transport = transport;
    el.title = 'Live stream from the server (' + transport + ')';
  } else {
    delete el.dataset.transport;
    el.title = 'Live stream from the server';
  }
}

function isOpen() {
  return bus && bus.state === EventBus.OPEN;
}

function followQuotes(symbol) {
  if (!isOpen() || state.handlers[symbol]) return;
  const b = bus;
  const handler = (err, message) => {
    if (bus !== b || state.handlers[symbol] !== handler) return;
    if (err) {
      tileMessage(symbol, err.message || err.failureType);
      if (isAuthFailure(err)) recheckToken();
      if (err.failureType === 'service_unavailable') retryLater('quotes.' + symbol, handler, () => followQuotes(symbol));
      return;
    }
    onQuote(message.body);
  };
  state.handlers[symbol] = handler;
  bus.registerHandler('quotes.' + symbol, handler);
}

/** The server could not check the token just now and registered nothing: register again shortly. */
function retryLater(address, handler, follow) {
  const b = bus;
  setTimeout(() => {
    if (bus !== b || !isOpen()) return;
    if (address.startsWith('quotes.')) {
      const symbol = address.slice('quotes.'.length);
      if (state.handlers[symbol] !== handler) return;
      delete state.handlers[symbol];
    } else {
      if (!state.ordersHandler || state.ordersHandler.handler !== handler) return;
      state.ordersHandler = null;
    }
    bus.unregisterHandler(address, handler);
    follow();
  }, 2000);
}

function unfollowQuotes(symbol) {
  const handler = state.handlers[symbol];
  delete state.handlers[symbol];
  if (handler && isOpen()) bus.unregisterHandler('quotes.' + symbol, handler);
}

/**
 * Follows the order events of the account. Every event carries seq, numbered 1, 2, 3, ... per account, and the
 * page applies an event only when its seq is above the last one applied (state.ordersSeq).
 *
 * Once the page has applied an event, every register (a reconnect, a retry) sends since_seq = that seq: the
 * server first replays, in order, every event after it (what happened while the socket was down), then the live
 * ones, and the orders list is not loaded again.
 *
 * Before any event (sign-in, account switch, or no order changed since), there is no seq to start from, as the
 * REST list carries none. Then the page registers without since_seq first and loads the list over REST right
 * after, and the two are merged order by order (refreshOrders): an event that races the load is applied when it
 * comes and is not overwritten by an older copy in the list (the newer updated_at wins), and an event older than
 * the list is followed by the later events of that same order, so every row ends at its latest state. The first
 * event applied then gives the seq the next reconnect starts from. (One window stays open, as the list carries no
 * seq: the server takes the register once it has checked the token, so a change committed after the list was read
 * but before the register took effect, a few milliseconds, is in neither. Until the first event, a reconnect
 * registers and loads the list again the same way.)
 */
function followOrders() {
  if (!isOpen() || !state.account) return;
  const b = bus;
  const account = state.account;
  const since = state.ordersSeq;
  const handler = (err, message) => {
    if (bus !== b || !state.ordersHandler || state.ordersHandler.handler !== handler) return;
    if (err) {
      if (err.failureType === 'replay_failed') {
        // The server cannot read the missed events now (live ones follow): the REST list stands in for them.
        refreshOrders();
        return;
      }
      showResult('Cannot follow orders of ' + account + ': ' + (err.message || err.failureType), false);
      if (isAuthFailure(err)) recheckToken();
      if (err.failureType === 'service_unavailable') retryLater('orders.events.' + account, handler, followOrders);
      return;
    }
    // The server sends this address only the orders of this account.
    onOrderEvent(message.body);
  };
  state.ordersHandler = { account, handler };
  if (since === null) {
    bus.registerHandler('orders.events.' + account, handler);
    noteRegistration(null);
    refreshOrders();
  } else {
    // Merged by the client with bus.defaultHeaders (the token).
    bus.registerHandler('orders.events.' + account, { since_seq: String(since) }, handler);
    noteRegistration(since);
  }
}

function noteRegistration(since) {
  thorStats.registrations.push(since);
  if (thorStats.registrations.length > 20) thorStats.registrations.shift();
}

/** An order event of the followed account: applied when newer than the last one applied, else ignored. */
function onOrderEvent(order) {
  const seq = order ? order.seq : undefined;
  if (!Number.isSafeInteger(seq) || seq < 1 || (state.ordersSeq !== null && seq <= state.ordersSeq)) {
    thorStats.ignored++; // a duplicate, one older than what the page shows, or one without a seq
    return;
  }
  state.ordersSeq = seq;
  thorStats.applied++;
  thorStats.lastSeq = seq;
  thorStats.appliedSeqs.push(seq);
  if (thorStats.appliedSeqs.length > 200) thorStats.appliedSeqs.shift();
  state.orders.set(order.id, order);
  renderOrdersSoon(); // a replay brings many at once: one render
  // The event carries the account as the change left it; an older server's event does not: read it then.
  if (order.account_snapshot) {
    applyAccount(order.account_snapshot);
  } else {
    refreshAccountSoon();
  }
}

function unfollowOrders() {
  if (state.ordersHandler && isOpen()) {
    bus.unregisterHandler('orders.events.' + state.ordersHandler.account, state.ordersHandler.handler);
  }
  state.ordersHandler = null;
}

// --- quotes and tiles -----------------------------------------------------------------------------------

function livePrice(q) {
  for (const field of ['last', 'bid', 'ask', 'close']) {
    if (q && q[field] && Dec.sign(q[field]) > 0) return q[field];
  }
  return null;
}

function onQuote(quote) {
  thorStats.quotes++;
  const symbol = quote.symbol;
  const previous = state.quotes[symbol];
  state.quotes[symbol] = quote;
  state.updatedAt[symbol] = Date.now();
  updateTile(symbol, previous);
  if (state.accountData && state.accountData.positions.some((p) => p.symbol === symbol)) renderPositions();
  if (symbol === state.selected && quote.last) {
    formBar(quote);
    drawChart();
  }
}

function renderTiles() {
  const tiles = $('#tiles');
  tiles.replaceChildren(...state.symbols.map((symbol) => {
    const tile = document.createElement('div');
    tile.className = 'tile' + (symbol === state.selected ? ' selected' : '');
    tile.dataset.symbol = symbol;
    tile.innerHTML = '<span class="sym"></span><span class="stale-mark">stale</span>'
      + '<button class="small remove" title="Remove">×</button>'
      + '<div class="last">—</div><div class="ba"></div><div class="chg"></div><div class="msg"></div>';
    $('.sym', tile).textContent = symbol;
    $('.remove', tile).addEventListener('click', (e) => { e.stopPropagation(); removeSymbol(symbol); });
    tile.addEventListener('click', () => select(symbol));
    return tile;
  }));
  state.symbols.forEach((s) => updateTile(s));
}

function tileOf(symbol) {
  return document.querySelector('.tile[data-symbol="' + CSS.escape(symbol) + '"]');
}

function updateTile(symbol, previous) {
  const tile = tileOf(symbol);
  const q = state.quotes[symbol];
  if (!tile || !q) return;
  const last = $('.last', tile);
  last.textContent = q.last || livePrice(q) || '—';
  $('.ba', tile).textContent = 'bid ' + (q.bid || '—') + '  ask ' + (q.ask || '—');
  const chg = $('.chg', tile);
  if (q.last && q.open) {
    const change = Dec.sub(q.last, q.open);
    chg.textContent = (Dec.sign(change) > 0 ? '+' : '') + change + ' (' + Dec.pct(change, q.open) + '%) since open';
    chg.className = 'chg ' + (Dec.sign(change) >= 0 ? 'up' : 'down');
  }
  $('.msg', tile).textContent = '';
  tile.classList.remove('stale');
  if (previous && previous.last && q.last && previous.last !== q.last) {
    const cls = Dec.cmp(q.last, previous.last) > 0 ? 'flash-up' : 'flash-down';
    last.classList.remove('flash-up', 'flash-down');
    void last.offsetWidth; // restart the blink
    last.classList.add(cls);
    setTimeout(() => last.classList.remove(cls), 200);
  }
}

function tileMessage(symbol, text) {
  const tile = tileOf(symbol);
  if (tile) $('.msg', tile).textContent = text;
}

function markStale() {
  const now = Date.now();
  for (const symbol of state.symbols) {
    const tile = tileOf(symbol);
    const at = state.updatedAt[symbol];
    if (tile) tile.classList.toggle('stale', !at || now - at > STALE_AFTER_MS);
  }
}

function addSymbol(text) {
  const symbol = normalizeSymbol(text);
  if (!symbol || state.symbols.includes(symbol)) return;
  state.symbols.push(symbol);
  saveSymbols();
  renderTiles();
  followQuotes(symbol);
}

function removeSymbol(symbol) {
  state.symbols = state.symbols.filter((s) => s !== symbol);
  saveSymbols();
  unfollowQuotes(symbol);
  if (state.selected === symbol) { state.selected = null; state.chart = []; drawChart(); }
  renderTiles();
}

// --- chart ----------------------------------------------------------------------------------------------

function select(symbol) {
  state.selected = symbol;
  $('#t-symbol').value = symbol;
  document.querySelectorAll('.tile').forEach((t) => t.classList.toggle('selected', t.dataset.symbol === symbol));
  loadChart(symbol);
}

/** The last hour of 1-minute bars (built by the ingest, GET /api/quotes/{symbol}/bars), then the live one forming. */
async function loadChart(symbol) {
  $('#chart-symbol').textContent = symbol;
  state.chartVolume = null;
  thorStats.chartLoads++;
  try {
    const since = new Date(Date.now() - CHART_BARS * 60000).toISOString();
    const { ok, body } = await api('/api/quotes/' + encodeURIComponent(symbol) + '/bars?interval=1m&since='
      + encodeURIComponent(since) + '&limit=' + CHART_BARS);
    const bars = ok && Array.isArray(body) ? body : [];
    if (state.selected !== symbol) return;
    state.chart = bars.map((b) => ({ start: b.start.slice(0, 16), open: b.open, high: b.high, low: b.low,
      close: b.close, volume: b.volume }));
  } catch (e) {
    if (e instanceof SignedOut) return;
    state.chart = [];
  }
  drawChart();
}

/**
 * Moves the forming candle with a live quote, as the ingest builds the stored bar: its minute (from the quote's
 * recorded_at when replayed, else its timestamp), high, low and close of last, and the rise of the day's cumulative volume since the last quote seen.
 */
function formBar(quote) {
  // A replayed quote's minute is the one it was recorded in, as the ingest builds bars.
  const minute = String(quote.recorded_at || quote.timestamp || '').slice(0, 16); // 2026-03-02T14:30
  if (minute.length < 16) return;
  thorStats.candleUpdates++;
  let traded = '0';
  if (quote.volume && state.chartVolume !== null && Dec.cmp(quote.volume, state.chartVolume) >= 0) {
    traded = Dec.sub(quote.volume, state.chartVolume);
  }
  if (quote.volume) state.chartVolume = quote.volume;
  const bar = state.chart[state.chart.length - 1];
  if (bar && bar.start === minute) {
    if (Dec.cmp(quote.last, bar.high) > 0) bar.high = quote.last;
    if (Dec.cmp(quote.last, bar.low) < 0) bar.low = quote.last;
    bar.close = quote.last;
    bar.volume = Dec.add(bar.volume, traded);
  } else if (!bar || minute > bar.start) {
    state.chart.push({ start: minute, open: quote.last, high: quote.last, low: quote.last, close: quote.last,
      volume: traded });
    if (state.chart.length > CHART_BARS) state.chart.shift();
  }
}

/** Candles (price, top 120 units) over volume bars (bottom 30); numbers become floats only to be drawn. */
function drawChart() {
  const svg = $('#chart');
  const bars = state.chart;
  if (bars.length < 1) {
    svg.innerHTML = '<text x="10" y="20">' + (state.selected ? 'Waiting for prices…' : 'Click a tile to chart it') + '</text>';
    return;
  }
  const high = bars.reduce((a, b) => (Dec.cmp(b.high, a) > 0 ? b.high : a), bars[0].high);
  const low = bars.reduce((a, b) => (Dec.cmp(b.low, a) < 0 ? b.low : a), bars[0].low);
  const max = Number(high);
  const span = max - Number(low) || 1;
  const maxVolume = Math.max(1, ...bars.map((b) => Number(b.volume)));
  const slot = 600 / CHART_BARS;
  const first = CHART_BARS - bars.length; // the newest candle at the right edge, as trading charts draw them
  const y = (v) => (4 + (max - Number(v)) / span * 112).toFixed(1);
  const parts = bars.map((b, i) => {
    const x = (first + i + 0.5) * slot;
    const up = Dec.cmp(b.close, b.open) >= 0;
    const top = y(up ? b.close : b.open);
    const height = Math.max(0.8, y(up ? b.open : b.close) - top).toFixed(1);
    const volumeHeight = (Number(b.volume) / maxVolume * 30).toFixed(1);
    return '<line class="wick" x1="' + x.toFixed(1) + '" x2="' + x.toFixed(1) + '" y1="' + y(b.high) + '" y2="' + y(b.low) + '"></line>'
      + '<rect class="candle ' + (up ? 'up' : 'down') + '" data-start="' + b.start + '" x="' + (x - slot * 0.35).toFixed(1)
      + '" y="' + top + '" width="' + (slot * 0.7).toFixed(1) + '" height="' + height + '"></rect>'
      + '<rect class="vol" x="' + (x - slot * 0.35).toFixed(1) + '" y="' + (160 - volumeHeight).toFixed(1) + '" width="'
      + (slot * 0.7).toFixed(1) + '" height="' + volumeHeight + '"></rect>';
  });
  svg.innerHTML = parts.join('') + '<text x="4" y="12">' + high + '</text><text x="4" y="124">' + low + '</text>';
}

// --- account, positions, orders -------------------------------------------------------------------------

/** Refreshes the account once for a burst of order events: one call at a time, and one more if more came. */
const accountRefresh = { running: false, again: false };
async function refreshAccountSoon() {
  if (accountRefresh.running) {
    accountRefresh.again = true;
    return;
  }
  accountRefresh.running = true;
  try {
    do {
      accountRefresh.again = false;
      await refreshAccount();
    } while (accountRefresh.again);
  } finally {
    accountRefresh.running = false;
  }
}

async function refreshAccount() {
  if (!state.account) return;
  const account = state.account;
  thorStats.accountLoads++;
  try {
    const { status, body } = await api('/api/accounts/' + encodeURIComponent(account));
    if (account !== state.account) return;
    if (status === 200) {
      applyAccount(body.account);
    } else {
      showResult(errorMessage(body, 'Cannot load the account'), false);
    }
  } catch (e) { /* signed out, or offline: the connection indicator already says so */ }
}

/**
 * Shows an account snapshot unless the page already shows a newer one: a read that raced an event, or an event
 * older than the read, is ignored by its event_seq (the last order event it includes).
 */
function applyAccount(account) {
  if (!account || account.id !== state.account) return;
  const seq = Number.isSafeInteger(account.event_seq) ? account.event_seq : null;
  if (seq !== null && state.accountSeq !== null && seq < state.accountSeq) return;
  if (seq !== null) state.accountSeq = seq;
  renderAccount(account);
}

function renderAccount(account) {
  state.accountData = account;
  $('#cash').textContent = account.cash;
  $('#net-liq').textContent = account.net_liq;
  $('#stock-bp').textContent = account.stock_buying_power;
  $('#option-bp').textContent = account.option_buying_power;
  $('#day-bp').textContent = account.day_trading_buying_power;
  $('#futures-margin').textContent = account.futures_margin || '0.00';
  renderPositions();
}

function renderPositions() {
  const rows = (state.accountData ? state.accountData.positions : []).filter((p) => p.quantity !== 0 || Dec.sign(p.realized_pnl) !== 0);
  let marketValue = '0';
  $('#positions tbody').replaceChildren(...rows.map((p) => {
    const price = livePrice(state.quotes[p.symbol]) || p.last || p.average_cost;
    const qty = String(p.quantity);
    // Contracts: a point is worth the multiplier (an option 100, /ES 50); a future was bought for margin, so its
    // market value is its open profit or loss, as the server values it.
    const contracts = Dec.mul(qty, p.multiplier || '1');
    const unrealized = Dec.mul(Dec.sub(price, p.average_cost), contracts);
    const value = p.instrument_type === 'FUTURE' ? unrealized : Dec.mul(price, contracts);
    marketValue = Dec.add(marketValue, value);
    const tr = document.createElement('tr');
    tr.dataset.symbol = p.symbol;
    [p.symbol, qty, p.average_cost, price, value, unrealized, p.realized_pnl].forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 5 || i === 6) td.className = Dec.sign(text) >= 0 ? 'up' : 'down';
      tr.appendChild(td);
    });
    return tr;
  }));
  // Net liq follows the quotes too: cash + market value at live prices, as the server computes it.
  if (state.accountData) $('#net-liq').textContent = Dec.add(state.accountData.cash, marketValue);
}

/**
 * Loads the latest orders over REST and merges them into what the page shows: an order the page already has in a
 * newer state (an event that came while the list was read) keeps it, and orders the list does not hold (placed
 * since, or older than its 50) stay.
 */
async function refreshOrders() {
  if (!state.account) return;
  const account = state.account;
  const epoch = state.ordersEpoch;
  thorStats.ordersLoads++;
  try {
    const { status, body } = await api('/api/trades/orders?limit=50&account=' + encodeURIComponent(account));
    if (status === 200 && account === state.account && epoch === state.ordersEpoch) {
      const merged = new Map(state.orders);
      for (const order of body.orders) {
        const shown = merged.get(order.id);
        if (!shown || updatedAt(shown) <= updatedAt(order)) merged.set(order.id, order);
      }
      state.orders = merged;
      renderOrders();
    }
  } catch (e) { /* signed out, or offline */ }
}

function updatedAt(order) {
  const t = Date.parse(order.updated_at);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Renders the orders table once after a burst of changes. */
let ordersRenderPending = false;
function renderOrdersSoon() {
  if (ordersRenderPending) return;
  ordersRenderPending = true;
  setTimeout(() => {
    ordersRenderPending = false;
    renderOrders();
  }, 0);
}

/** An order as a REST reply gives it (without seq): shown unless the page has a newer state of it already. */
function upsertOrder(order) {
  const shown = state.orders.get(order.id);
  if (shown && updatedAt(shown) > updatedAt(order)) return;
  state.orders.set(order.id, order);
  renderOrders();
}

function renderOrders() {
  const orders = [...state.orders.values()].sort((a, b) => b.id - a.id).slice(0, 50);
  $('#orders tbody').replaceChildren(...orders.map((o) => {
    const tr = document.createElement('tr');
    tr.dataset.orderId = o.id;
    const price = o.fill_price || o.limit_price || o.stop_price || 'MKT';
    // A partly filled order shows how much of it has filled: 300/1000.
    const quantity = o.filled_quantity > 0 && o.filled_quantity < o.quantity ? o.filled_quantity + '/' + o.quantity : o.quantity;
    const cells = [o.id, new Date(o.created_at).toLocaleTimeString(), o.symbol, o.side, quantity, o.order_type, price, o.status];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 7) {
        td.className = 'status status-' + o.status;
        td.title = o.reject_reason || o.fill_reason || '';
      }
      tr.appendChild(td);
    });
    const action = document.createElement('td');
    if (o.status === 'NEW' || o.status === 'WORKING') {
      const cancel = document.createElement('button');
      cancel.className = 'small cancel';
      cancel.textContent = 'Cancel';
      cancel.addEventListener('click', () => cancelOrder(o.id));
      action.appendChild(cancel);
    }
    tr.appendChild(action);
    return tr;
  }));
}

async function cancelOrder(id) {
  try {
    const { ok, status, body } = await api('/api/trades/orders/' + id, { method: 'DELETE' });
    if (ok) {
      upsertOrder(body.order);
      showResult('Order ' + id + ' cancelled', true);
    } else {
      showResult('Cannot cancel order ' + id + ': ' + errorMessage(body, 'answer ' + status), false);
    }
  } catch (e) {
    if (!(e instanceof SignedOut)) showResult('The server cannot be reached; order ' + id + ' was not cancelled.', false);
  }
}

// --- order ticket ---------------------------------------------------------------------------------------

function updateTicketFields() {
  const type = $('#t-type').value;
  $('#t-limit').disabled = !(type === 'LMT' || type === 'STP_LMT');
  $('#t-stop').disabled = !(type === 'STP' || type === 'STP_LMT');
}

async function placeOrder(event) {
  event.preventDefault();
  const order = {
    account: state.account,
    symbol: normalizeSymbol($('#t-symbol').value),
    side: $('#t-side').value,
    quantity: Number($('#t-quantity').value),
    order_type: $('#t-type').value,
    tif: $('#t-tif').value,
  };
  if (!$('#t-limit').disabled) order.limit_price = $('#t-limit').value.trim();
  if (!$('#t-stop').disabled) order.stop_price = $('#t-stop').value.trim();
  $('#t-submit').disabled = true;
  try {
    const { status, body } = await api('/api/trades/orders/active', { method: 'POST', body: order });
    explain(status, body || {});
    if (body && body.order) upsertOrder(body.order);
    if (body && body.account) renderAccount(body.account);
  } catch (e) {
    if (!(e instanceof SignedOut)) showResult('The server cannot be reached; nothing was placed.', false);
  } finally {
    $('#t-submit').disabled = false;
  }
}

function explain(status, body) {
  const o = body.order;
  switch (status) {
    case 201:
      if (!o) break;
      if (o.status === 'FILLED') {
        showResult('Filled: ' + o.side + ' ' + o.quantity + ' ' + o.symbol + ' at ' + o.fill_price + ' (' + o.fill_reason + ')', true);
      } else if (o.status === 'WORKING' && o.filled_quantity > 0) {
        showResult('Partly filled: ' + o.side + ' ' + o.filled_quantity + ' of ' + o.quantity + ' ' + o.symbol + ' at '
          + o.fill_price + ' (' + o.fill_reason + '); the rest works', true);
      } else if (o.status === 'WORKING') {
        showResult('Working: ' + o.side + ' ' + o.quantity + ' ' + o.symbol + ' ' + o.order_type + ' '
          + (o.limit_price || o.stop_price) + ' ' + o.tif + ' (' + o.fill_reason + ')', true);
      } else {
        showResult(o.status + ': ' + (o.reject_reason || o.side + ' ' + o.quantity + ' ' + o.symbol), false);
      }
      break;
    case 200:
      if (!o) break;
      showResult('Already placed as order ' + o.id + ' (' + o.status + '); nothing changed.', true);
      break;
    case 422:
      showResult('Rejected: ' + errorMessage(body, 'the rules refuse this order'), false);
      break;
    case 400:
      showResult('Check the ticket: ' + errorMessage(body, 'the server cannot read it'), false);
      break;
    case 503:
      showResult('The server cannot reach its database or quotes right now; nothing was placed. Try again shortly.', false);
      break;
    default:
      showResult(errorMessage(body, 'Unexpected answer ' + status), false);
  }
}

function showResult(text, ok) {
  const el = $('#ticket-result');
  el.textContent = text;
  el.className = 'result ' + (ok ? 'ok' : 'bad');
}

/** The operator's token may act for any account; an account's token acts only for its own. */
function changeAccount() {
  const account = $('#account').value.trim().toLowerCase();
  if (auth.role !== 'admin' || !account || account === state.account) return;
  unfollowOrders();
  state.account = account;
  state.accountData = null;
  forgetOrders();
  renderOrders();
  followOrders(); // no seq for this account yet: registers, then loads its list
  if (!isOpen()) refreshOrders(); // meanwhile; the register on reconnect loads it again
  refreshAccount();
}

/** Forgets the orders shown and the last seq applied: they were another account's, or another sign-in's. */
function forgetOrders() {
  state.orders = new Map();
  state.ordersSeq = null;
  state.accountSeq = null;
  state.ordersEpoch++;
  thorStats.lastSeq = null;
}

/** Clears everything one account's session showed, so the next sign-in starts blank. */
function resetAccountView() {
  state.account = null;
  state.accountData = null;
  forgetOrders();
  state.quotes = {};
  state.updatedAt = {};
  state.selected = null;
  state.chart = [];
  ['#cash', '#net-liq', '#stock-bp', '#option-bp', '#day-bp', '#futures-margin'].forEach((id) => { $(id).textContent = '—'; });
  $('#chart-symbol').textContent = '';
  showResult('', true);
  renderOrders();
  renderPositions();
  renderTiles();
  drawChart();
}

// --- start ----------------------------------------------------------------------------------------------

$('#account').addEventListener('change', changeAccount);
$('#add-form').addEventListener('submit', (e) => { e.preventDefault(); addSymbol($('#add-symbol').value); $('#add-symbol').value = ''; });
$('#t-type').addEventListener('change', updateTicketFields);
$('#ticket').addEventListener('submit', placeOrder);
$('#signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('#signin-token').value.trim();
  $('#signin-token').value = '';
  if (token) signIn(token);
});
$('#sign-out').addEventListener('click', () => signOut('Signed out.', 'info'));
// A #token=... link opened in a tab that already shows the page.
window.addEventListener('hashchange', () => {
  const token = takeTokenFromLink();
  if (token) signIn(token);
});
updateTicketFields();
renderTiles();
drawChart();
setInterval(markStale, 1000);
{
  const token = takeTokenFromLink() || sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    signIn(token);
  } else {
    showSignIn('', '');
  }
}
