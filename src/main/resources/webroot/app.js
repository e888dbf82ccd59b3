'use strict';
// The trading page: quotes and order updates stream over the event-bus bridge (SockJS); orders go over REST.

const $ = (selector, root = document) => root.querySelector(selector);
const DEFAULT_SYMBOLS = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'NVDA', '/ES'];
const STALE_AFTER_MS = 15000;
const CHART_POINTS = 300;

const state = {
  symbols: loadSymbols(),
  quotes: {},
  updatedAt: {},
  handlers: {},
  selected: null,
  chart: [],
  account: localStorage.getItem('thor.account') || 'paper',
  accountData: null,
  orders: new Map(),
  ordersHandler: null,
};
let bus = null;

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

// --- connection -----------------------------------------------------------------------------------------

function connect() {
  bus = new EventBus('/eventbus', { vertxbus_reconnect_delay_min: 500, vertxbus_reconnect_delay_max: 5000 });
  bus.enableReconnect(true);
  bus.onopen = () => {
    // The client forgets its handlers on every (re)connect: register everything again.
    state.handlers = {};
    state.ordersHandler = null;
    setConnection('live');
    state.symbols.forEach(followQuotes);
    followOrders();
    refreshAccount();
    refreshOrders();
    if (state.selected) loadChart(state.selected);
  };
  bus.onclose = () => setConnection('reconnecting');
  bus.onerror = (err) => console.warn('event bus error', err);
}

function setConnection(status) {
  const el = $('#connection');
  el.textContent = status;
  el.className = 'conn ' + status;
}

function isOpen() {
  return bus && bus.state === EventBus.OPEN;
}

function followQuotes(symbol) {
  if (!isOpen() || state.handlers[symbol]) return;
  const handler = (err, message) => {
    if (err) {
      tileMessage(symbol, err.message || err.failureType);
      return;
    }
    onQuote(message.body);
  };
  state.handlers[symbol] = handler;
  bus.registerHandler('quotes.' + symbol, handler);
}

function unfollowQuotes(symbol) {
  const handler = state.handlers[symbol];
  delete state.handlers[symbol];
  if (handler && isOpen()) bus.unregisterHandler('quotes.' + symbol, handler);
}

function followOrders() {
  if (!isOpen()) return;
  const account = state.account;
  const handler = (err, message) => {
    if (err) {
      showResult('Cannot follow orders of ' + account + ': ' + (err.message || err.failureType), false);
      return;
    }
    upsertOrder(message.body);
    refreshAccount();
  };
  state.ordersHandler = { account, handler };
  bus.registerHandler('orders.events.' + account, handler);
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
  const symbol = quote.symbol;
  const previous = state.quotes[symbol];
  state.quotes[symbol] = quote;
  state.updatedAt[symbol] = Date.now();
  updateTile(symbol, previous);
  if (state.accountData && state.accountData.positions.some((p) => p.symbol === symbol)) renderPositions();
  if (symbol === state.selected && quote.last) {
    state.chart.push({ t: quote.timestamp, last: quote.last });
    if (state.chart.length > CHART_POINTS) state.chart.shift();
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

async function loadChart(symbol) {
  $('#chart-symbol').textContent = symbol;
  try {
    const response = await fetch('/api/quotes/' + encodeURIComponent(symbol) + '/history?limit=' + CHART_POINTS);
    const history = response.ok ? await response.json() : [];
    if (state.selected !== symbol) return;
    state.chart = history.filter((q) => q.last).map((q) => ({ t: q.timestamp, last: q.last }));
  } catch (e) {
    state.chart = [];
  }
  drawChart();
}

function drawChart() {
  const svg = $('#chart');
  const points = state.chart;
  if (points.length < 2) {
    svg.innerHTML = '<text x="10" y="20">' + (state.selected ? 'Waiting for prices…' : 'Click a tile to chart it') + '</text>';
    return;
  }
  const values = points.map((p) => Number(p.last)); // drawing only
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const coords = values.map((v, i) => (i / (values.length - 1) * 600).toFixed(1) + ',' + (150 - (v - min) / span * 140).toFixed(1));
  svg.innerHTML = '<polyline points="' + coords.join(' ') + '"></polyline>'
    + '<text x="4" y="12">' + points.reduce((a, p) => (Dec.cmp(p.last, a) > 0 ? p.last : a), points[0].last) + '</text>'
    + '<text x="4" y="158">' + points.reduce((a, p) => (Dec.cmp(p.last, a) < 0 ? p.last : a), points[0].last) + '</text>';
}

// --- account, positions, orders -------------------------------------------------------------------------

async function getJson(url) {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

async function refreshAccount() {
  try {
    const { status, body } = await getJson('/api/accounts/' + encodeURIComponent(state.account));
    if (status === 200) {
      renderAccount(body.account);
    } else {
      showResult(body.error ? body.error.message : 'Cannot load the account', false);
    }
  } catch (e) { /* the connection indicator already says we are offline */ }
}

function renderAccount(account) {
  state.accountData = account;
  $('#cash').textContent = account.cash;
  $('#net-liq').textContent = account.net_liq;
  $('#stock-bp').textContent = account.stock_buying_power;
  $('#option-bp').textContent = account.option_buying_power;
  $('#day-bp').textContent = account.day_trading_buying_power;
  renderPositions();
}

function renderPositions() {
  const rows = (state.accountData ? state.accountData.positions : []).filter((p) => p.quantity !== 0 || Dec.sign(p.realized_pnl) !== 0);
  let marketValue = '0';
  $('#positions tbody').replaceChildren(...rows.map((p) => {
    const price = livePrice(state.quotes[p.symbol]) || p.last || p.average_cost;
    const qty = String(p.quantity);
    const value = Dec.mul(price, qty);
    marketValue = Dec.add(marketValue, value);
    const unrealized = Dec.mul(Dec.sub(price, p.average_cost), qty);
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

async function refreshOrders() {
  try {
    const { status, body } = await getJson('/api/trades/orders?limit=50&account=' + encodeURIComponent(state.account));
    if (status === 200) {
      state.orders = new Map(body.orders.map((o) => [o.id, o]));
      renderOrders();
    }
  } catch (e) { /* offline */ }
}

function upsertOrder(order) {
  if (order.account !== state.account) return;
  state.orders.set(order.id, order);
  renderOrders();
}

function renderOrders() {
  const orders = [...state.orders.values()].sort((a, b) => b.id - a.id).slice(0, 50);
  $('#orders tbody').replaceChildren(...orders.map((o) => {
    const tr = document.createElement('tr');
    tr.dataset.orderId = o.id;
    const price = o.fill_price || o.limit_price || o.stop_price || 'MKT';
    const cells = [o.id, new Date(o.created_at).toLocaleTimeString(), o.symbol, o.side, o.quantity, o.order_type, price, o.status];
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
  const response = await fetch('/api/trades/orders/' + id, { method: 'DELETE' });
  const body = await response.json();
  if (response.ok) {
    upsertOrder(body.order);
    showResult('Order ' + id + ' cancelled', true);
  } else {
    showResult('Cannot cancel order ' + id + ': ' + body.error.message, false);
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
    const response = await fetch('/api/trades/orders/active', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order),
    });
    const body = await response.json();
    explain(response.status, body);
    if (body.order) upsertOrder(body.order);
    if (body.account) renderAccount(body.account);
  } catch (e) {
    showResult('The server cannot be reached; nothing was placed.', false);
  } finally {
    $('#t-submit').disabled = false;
  }
}

function explain(status, body) {
  const o = body.order;
  switch (status) {
    case 201:
      if (o.status === 'FILLED') {
        showResult('Filled: ' + o.side + ' ' + o.quantity + ' ' + o.symbol + ' at ' + o.fill_price + ' (' + o.fill_reason + ')', true);
      } else if (o.status === 'WORKING') {
        showResult('Working: ' + o.side + ' ' + o.quantity + ' ' + o.symbol + ' ' + o.order_type + ' '
          + (o.limit_price || o.stop_price) + ' ' + o.tif + ' (' + o.fill_reason + ')', true);
      } else {
        showResult(o.status + ': ' + (o.reject_reason || o.side + ' ' + o.quantity + ' ' + o.symbol), false);
      }
      break;
    case 200:
      showResult('Already placed as order ' + o.id + ' (' + o.status + '); nothing changed.', true);
      break;
    case 422:
      showResult('Rejected: ' + body.error.message, false);
      break;
    case 400:
      showResult('Check the ticket: ' + body.error.message, false);
      break;
    case 503:
      showResult('The server cannot reach its database or quotes right now; nothing was placed. Try again shortly.', false);
      break;
    default:
      showResult(body.error ? body.error.message : 'Unexpected answer ' + status, false);
  }
}

function showResult(text, ok) {
  const el = $('#ticket-result');
  el.textContent = text;
  el.className = 'result ' + (ok ? 'ok' : 'bad');
}

function changeAccount() {
  const account = $('#account').value.trim().toLowerCase();
  if (!account || account === state.account) return;
  unfollowOrders();
  state.account = account;
  localStorage.setItem('thor.account', account);
  state.orders = new Map();
  renderOrders();
  followOrders();
  refreshAccount();
  refreshOrders();
}

// --- start ----------------------------------------------------------------------------------------------

$('#account').value = state.account;
$('#account').addEventListener('change', changeAccount);
$('#add-form').addEventListener('submit', (e) => { e.preventDefault(); addSymbol($('#add-symbol').value); $('#add-symbol').value = ''; });
$('#t-type').addEventListener('change', updateTicketFields);
$('#ticket').addEventListener('submit', placeOrder);
updateTicketFields();
renderTiles();
drawChart();
setInterval(markStale, 1000);
connect();
