// The watch page: hls.js plays the stream while the page pays for it
// with EIP-712 vouchers signed here, by a key that never leaves the
// browser: the burner key in the link's fragment (#k=0x…), or a session
// key the page makes and a wallet (MetaMask) funds once.
import Hls from 'hls.js/light'; // no subtitles, alternate audio or DRM: livegate's streams have none
import { BrowserProvider, Contract, Wallet, parseEther, parseUnits } from 'ethers';
import { $, api, show, hide, fmtDuration, money } from './common.js';
import { ipfsLoaders, cidOf, verify } from './ipfs.js';

const AHEAD = 30n; // seconds of credit signed ahead of need
const LOW = 15n; // top up when less than this is left
const VOUCHER = { Voucher: [{ name: 'channelId', type: 'bytes32' }, { name: 'amount', type: 'uint256' }] };
const CHANNELS_ABI = [
  'function open(address signer, address payee, uint64 expiry) payable returns (bytes32)',
  'function topUp(bytes32 channelId) payable',
  'function openToken(address token, uint256 amount, address signer, address payee, uint64 expiry) returns (bytes32)',
  'function topUpToken(bytes32 channelId, uint256 amount)',
];
const ERC20_ABI = ['function approve(address spender, uint256 amount) returns (bool)'];

const enc = encodeURIComponent;
const [, , stream, recording] = location.pathname.split('/').map(decodeURIComponent);
const pay = `/pay/${enc(stream)}`;
const src = recording ? `/vod/${enc(stream)}/${enc(recording)}/index.m3u8` : `/live/${enc(stream)}/index.m3u8`;
const video = $('video');

// What the page knows of its payments; window.livegate exposes it to
// people debugging and to the browser tests.
const st = {
  stream, recording: recording || '', free: false, terms: null, key: null, named: '', channel: null, funder: '',
  deposit: 0n, paid: 0n, spent: 0n, price: 0n, token: '', vouchers: 0, tips: 0n, keys: 0,
  outOfCredit: false, error: '',
  parts: 0, // low-latency parts hls.js buffered
  fragments: 0, // whole segments hls.js buffered
  errors: [], // hls.js's errors, fatal or not, the last few (type: details)
  ipfs: { gateway: 0, origin: 0, bad: 0, failed: 0 }, // where a replay's IPFS segments came from (ipfs.js)
};
window.livegate = {
  state: () => ({
    ...st, key: st.key ? st.key.address : '', terms: undefined,
    deposit: String(st.deposit), paid: String(st.paid), spent: String(st.spent), price: String(st.price),
    tips: String(st.tips), time: video.currentTime, paused: video.paused,
    levels: hls ? hls.levels.map((l) => l.height) : [],
    message: $('msg').textContent, status: $('status').textContent,
    ...latency(),
  }),
  ipfs: { cid: cidOf, verify }, // for the browser tests, which check them against kubo
};

let hls = null;
const keysLoaded = new Set(); // the key paths hls.js loaded
let native = false; // Safari's own player: no hls.js events to follow the spending
let topping = null; // the top-up in flight
let queue = Promise.resolve(); // voucher changes, one at a time

// serial runs fn after every voucher change before it.
function serial(fn) {
  const p = queue.then(fn, fn);
  queue = p.catch(() => {});
  return p;
}

function message(text, kind) {
  const m = $('msg');
  m.textContent = text;
  m.className = 'msg show ' + (kind || 'warn');
}

function clearMessage() {
  $('msg').className = 'msg';
}

function status(text) {
  $('status').textContent = text;
}

function render() {
  $('title').textContent = stream;
  $('kind').textContent = recording ? `replay ${recording}` : 'live';
  if (st.free) {
    $('price').textContent = 'Free';
    $('balance').textContent = '—';
    return;
  }
  if (st.price > 0n) {
    $('price').textContent = money(st.price * 60n, st.terms && st.terms.token) + ' / minute';
    const p = st.terms && st.terms.previewSeconds;
    $('preview').textContent = p ? `the first ${p} s are free` : '';
  }
  if (st.channel) {
    const left = st.deposit - st.spent;
    $('balance').textContent = money(left > 0n ? left : 0n, st.terms && st.terms.token);
    $('left').textContent = st.price > 0n ? `about ${fmtDuration(Number(left / st.price))} of viewing left` : '';
    $('who').textContent = `paying as ${st.key.address.slice(0, 10)}…, channel ${st.channel.slice(0, 10)}…`;
  }
  $('tip').disabled = !st.token || st.paid >= st.deposit;
  $('tips').textContent = st.tips > 0n ? `you tipped ${money(st.tips, st.terms && st.terms.token)}, thank you` : '';
}

async function sign(amount) {
  const sig = await st.key.signTypedData(st.terms.domain, VOUCHER, { channelId: st.channel, amount });
  return { channel: st.channel, amount: amount.toString(), signature: sig };
}

function took(s) {
  st.paid = BigInt(s.paid);
  st.spent = BigInt(s.spent);
  if (s.token) st.token = s.token;
  if (s.tips) st.tips = BigInt(s.tips);
  st.vouchers++;
}

// pickChannel chooses, among the key's channels, the one with the most
// left to sign.
function pickChannel(channels) {
  let best = null;
  for (const c of channels) {
    const room = BigInt(c.deposit) - BigInt(c.paid);
    if (!best || room > best.room) best = { c, room };
  }
  return best ? best.c : null;
}

// loadChannel reads the key's channels and takes the best one (with what
// the server holds for it). It reports whether there is one.
async function loadChannel() {
  const named = st.named ? `&channel=${enc(st.named)}` : '';
  const t = await api('GET', `${pay}/terms?signer=${st.key.address}${named}`);
  st.terms = t;
  const c = pickChannel(t.channels);
  if (!c) return false;
  st.channel = c.channel;
  st.funder = c.funder;
  st.deposit = BigInt(c.deposit);
  st.paid = BigInt(c.paid);
  st.spent = BigInt(c.spent);
  return true;
}

// target is the cumulative amount that keeps AHEAD seconds of credit.
function target() {
  let amount = st.spent + AHEAD * st.price;
  if (amount > st.deposit) amount = st.deposit;
  return amount;
}

// openSession starts a session on st.channel: a new voucher proves the key.
async function openSession() {
  let amount = target();
  if (amount <= st.paid) amount = st.paid + 1n;
  if (amount > st.deposit) {
    outOfCredit('the channel\'s deposit is all spent.');
    return false;
  }
  took(await api('POST', `${pay}/session`, await sign(amount)));
  return true;
}

// topUp signs more credit when less than LOW seconds are left (or
// always, when forced by a 402). It returns whether credit remains to
// play on. One top-up is asked for at a time.
function topUp(force) {
  if (!topping) {
    topping = serial(() => raise(force, true)).finally(() => {
      topping = null;
      render();
    });
  }
  return topping;
}

async function raise(force, retry) {
  try {
    const credit = st.paid - st.spent;
    if (!force && credit >= LOW * st.price) return true;
    const amount = target();
    if (amount <= st.paid) return credit > 0n && !force;
    took(await api('POST', `${pay}/voucher`, await sign(amount), st.token));
    return true;
  } catch (e) {
    if (retry && e.status === 401) {
      // The session's token expired (a long pause): open another.
      return openSession();
    }
    if (retry && e.reason === 'not_increasing') {
      await loadChannel(); // another tab or a tip moved the voucher on
      return raise(force, false);
    }
    st.error = 'top-up refused: ' + e.message;
    status(st.error);
    return false;
  }
}

function outOfCredit(why) {
  st.outOfCredit = true;
  if (hls) hls.stopLoad();
  video.pause();
  const how = window.ethereum ? 'Top up below to keep watching.' : 'To keep watching, open this page with a wallet (MetaMask) to top up, or ask for a new link.';
  message(`Out of credit: ${why} Playback has stopped. ${how}`, 'bad');
  status('stopped: out of credit');
  if (window.ethereum) show('topupBox');
  render();
}

// onPaymentRequired is hls.js's retry hook for a 402: top up, and retry
// when there is room to.
function onPaymentRequired() {
  if (st.paid >= st.deposit) {
    outOfCredit('the channel\'s deposit is all spent.');
    return false;
  }
  topUp(true).then((ok) => {
    if (!ok) outOfCredit('the server refused more credit.');
  });
  return true;
}

// playingDate is the program date time of the playing frame: when the
// server took it in. Safari's own player gives the playlist's start date.
function playingDate() {
  if (hls) return hls.playingDate;
  if (native && typeof video.getStartDate === 'function') {
    const t = video.getStartDate().getTime();
    if (!isNaN(t)) return new Date(t + video.currentTime * 1000);
  }
  return null;
}

// latency says how far behind live the page plays. delay (s) is now −
// the playing frame's program date time: from the server's ingest to
// this screen, as far as this computer's clock agrees with the server's
// (the browser tests run both on one machine). edge (s) is hls.js's own
// estimate (hls.latency), the distance from the playlist's live edge.
function latency() {
  const d = recording || video.paused ? null : playingDate();
  const det = hls ? hls.latestLevelDetails : null;
  return {
    delay: d ? (Date.now() - d.getTime()) / 1000 : null,
    edge: hls && !recording ? hls.latency : null,
    lowLatency: !!(det && det.partTarget),
    partTarget: det && det.partTarget ? det.partTarget : 0,
  };
}

// showDelay puts the live delay under the player.
function showDelay() {
  const l = latency();
  const el = $('delay');
  const mode = l.lowLatency ? `low-latency, ${Math.round(l.partTarget * 1000)} ms parts` : 'standard latency';
  if (l.delay === null) el.textContent = recording || !hls ? '' : mode;
  else if (l.delay < 0) el.textContent = `${mode}; live delay unknown: this computer's clock is behind the server's`;
  else el.textContent = `${l.delay.toFixed(1)} s behind live (${mode})`;
}

// spentFrom takes the channel's paid and spent from a paid answer's
// headers. Answers can come back out of order: spent only grows.
function spentFrom(xhr) {
  if (xhr.status !== 200) return;
  const spent = xhr.getResponseHeader('Livegate-Spent');
  if (!spent) return;
  const s = BigInt(spent);
  if (s >= st.spent) {
    st.spent = s;
    st.paid = BigInt(xhr.getResponseHeader('Livegate-Paid'));
    render();
  }
}

// withToken puts the session's current token in a URL: hls.js reloads a
// media playlist by the URL it first got, whose token expires, while
// every top-up brings a fresh one. Only URLs the server gave a token
// (playlists, keys, a token stream's segments) get the fresh one, unless
// force: a public segment's URL stays the one every viewer and cache
// shares.
function withToken(url, force) {
  if (!st.token) return url;
  const u = new URL(url, location.href);
  if (u.origin !== location.origin || (!force && !u.searchParams.has('token'))) return url;
  u.searchParams.set('token', st.token);
  return u.href;
}

function startPlayer() {
  const url = withToken(src, true);
  if (!Hls.isSupported() && video.canPlayType('application/vnd.apple.mpegurl')) {
    native = true; // Safari: the token rides in every URI of the playlists
    video.src = url;
    video.play().catch(() => status('press play'));
    return;
  }
  const retry = { maxNumRetry: 4, retryDelayMs: 1000, maxRetryDelayMs: 4000 };
  // A priced stream's segments are public and encrypted: what the page
  // pays for is each segment's key. A 402 on a key tops up and retries;
  // a stream whose segments want a session (segments: token) may answer
  // 402 on a segment too, and is treated alike.
  const paying = {
    ...retry,
    shouldRetry: (cfg, n, timeout, resp, would) => (resp && resp.code === 402 ? n < 3 && onPaymentRequired() : would),
  };
  const policy = (firstByte) => ({
    default: {
      maxTimeToFirstByteMs: firstByte, maxLoadTimeMs: 120000,
      timeoutRetry: { maxNumRetry: 4, retryDelayMs: 0, maxRetryDelayMs: 0 },
      errorRetry: paying,
    },
  });
  // A replay's segments on IPFS come from the gateways its playlists
  // name, each checked against its CID, then from livegate (ipfs.js).
  const { pLoader, fLoader } = ipfsLoaders(Hls, st.ipfs);
  hls = new Hls({
    // A low-latency stream's playlists have parts and blocking reloads:
    // hls.js then plays PART-HOLD-BACK behind the live edge rather than
    // three segments. An MPEG-TS playlist (a stream that is not
    // low-latency, a replay) plays as before.
    lowLatencyMode: true,
    xhrSetup: (xhr, u) => {
      const fresh = withToken(u);
      if (fresh !== u) xhr.open('GET', fresh, true);
      // Every paid answer (a key, or a token segment) says what the
      // channel has paid and spent: the display follows it.
      xhr.addEventListener('load', () => spentFrom(xhr));
    },
    pLoader,
    fLoader,
    fragLoadPolicy: policy(10000),
    keyLoadPolicy: policy(8000),
  });
  hls.on(Hls.Events.MANIFEST_PARSED, (_, d) => {
    const q = $('quality');
    q.length = 1;
    d.levels.forEach((l, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = l.height ? `${l.height}p` : `level ${i}`;
      q.appendChild(o);
    });
    video.play().catch(() => status('press play'));
  });
  hls.on(Hls.Events.KEY_LOADED, (_, d) => {
    // Every part of a low-latency segment loads its segment's key (from
    // hls.js's cache after the first): count each key once, whatever
    // token its URI carried.
    const uri = d.keyInfo && d.keyInfo.decryptdata ? d.keyInfo.decryptdata.uri : '';
    if (uri) keysLoaded.add(new URL(uri, location.href).pathname);
    st.keys = keysLoaded.size;
  });
  hls.on(Hls.Events.FRAG_BUFFERED, (_, d) => {
    if (d.part) st.parts++;
    else st.fragments++;
  });
  hls.on(Hls.Events.ERROR, (_, d) => {
    const code = d.response && d.response.code ? ` ${d.response.code}` : '';
    st.errors = [...st.errors.slice(-19), `${d.fatal ? 'fatal ' : ''}${d.type}: ${d.details}${code}${d.error ? ' (' + d.error.message + ')' : ''}`];
    if (d.response && d.response.code === 402 && !st.outOfCredit && st.paid >= st.deposit) {
      outOfCredit('the channel\'s deposit is all spent.');
    } else if (d.fatal && !st.outOfCredit) {
      st.error = `${d.type}: ${d.details}`;
      message(`Playback failed: ${d.details}.`, 'bad');
    }
  });
  hls.loadSource(url);
  hls.attachMedia(video);
}

// play starts the player and the upkeep of the credit.
function play() {
  startPlayer();
  $('quality').addEventListener('change', (e) => {
    if (hls) hls.currentLevel = Number(e.target.value);
  });
  video.addEventListener('playing', () => status(st.token ? 'playing, paying as you watch' : 'playing'));
  if (!recording) setInterval(showDelay, 1000);
  setInterval(async () => {
    if (!st.token || st.outOfCredit) return;
    if (native) {
      // Safari's player reports nothing: ask the server what was spent.
      try {
        await loadChannel();
      } catch (_) {
        return;
      }
    }
    topUp(false);
  }, native ? 4000 : 2000);
}

// restart plays again after the channel or session changed.
function restart() {
  st.outOfCredit = false;
  clearMessage();
  if (hls) {
    hls.destroy();
    hls = null;
  }
  startPlayer();
}

async function startPaying() {
  if (!(await loadChannel())) return false;
  if (!(await openSession())) return true;
  render();
  play();
  return true;
}

// sessionKey is the page's own signing key for wallet-funded channels,
// kept in this browser only.
function sessionKey(contract) {
  const name = 'livegate.sessionKey.' + contract;
  let k = localStorage.getItem(name);
  if (!k) {
    k = Wallet.createRandom().privateKey;
    localStorage.setItem(name, k);
  }
  return new Wallet(k);
}

async function wallet() {
  if (!window.ethereum) throw new Error('no wallet found: install MetaMask, or open a prefunded link');
  const provider = new BrowserProvider(window.ethereum);
  await provider.send('eth_requestAccounts', []);
  const net = await provider.getNetwork();
  if (net.chainId !== BigInt(st.terms.chainId)) {
    await provider.send('wallet_switchEthereumChain', [{ chainId: '0x' + BigInt(st.terms.chainId).toString(16) }]);
  }
  const signer = await provider.getSigner();
  return { signer, contract: new Contract(st.terms.contract, CHANNELS_ABI, signer) };
}

// tokenOf is the ERC-20 the stream is priced in, or null for ETH.
function tokenOf() {
  const t = st.terms && st.terms.token;
  return t && t.address && !/^0x0{40}$/i.test(t.address) ? t : null;
}

// amountOf reads an amount a person typed, in ETH or the stream's token.
function amountOf(text) {
  const t = tokenOf();
  return t ? parseUnits(text, t.decimals) : parseEther(text);
}

// fund opens a channel for the page's key (or tops up channel), paying
// ETH, or the stream's token after the wallet approves the contract.
async function fund(signer, contract, value, channel) {
  const t = tokenOf();
  if (!t) {
    return channel ? contract.topUp(channel, { value }) : contract.open(st.key.address, st.terms.payee, expiry(), { value });
  }
  message(`Approve ${money(value, t)} for the channel in your wallet…`, 'warn');
  await (await new Contract(t.address, ERC20_ABI, signer).approve(st.terms.contract, value)).wait();
  message('Confirm the deposit in your wallet…', 'warn');
  return channel ? contract.topUpToken(channel, value) : contract.openToken(t.address, value, st.key.address, st.terms.payee, expiry());
}

// waitForChannel polls until the server has confirmed a change.
async function waitForChannel(ok) {
  for (let i = 0; i < 150; i++) {
    await loadChannel();
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

function expiry() {
  return Math.floor(Date.now() / 1000) + 7 * 24 * 3600;
}

async function connect() {
  $('connect').disabled = true;
  try {
    const { signer, contract } = await wallet();
    message('Confirm the deposit in your wallet…', 'warn');
    const tx = await fund(signer, contract, amountOf($('deposit').value));
    message('Waiting for the deposit to be confirmed…', 'warn');
    await tx.wait();
    if (!(await waitForChannel(() => !!st.channel))) throw new Error('the server has not seen the channel yet');
    hide('connectBox');
    clearMessage();
    await startPaying();
  } catch (e) {
    message('Could not fund a channel: ' + (e.shortMessage || e.message), 'bad');
  } finally {
    $('connect').disabled = false;
  }
}

// topUpWallet adds to the channel when the wallet funded it, and otherwise
// (a prefunded link's channel) opens a new channel for the same key, on
// which the page then opens a new session.
async function topUpWallet() {
  $('topup').disabled = true;
  try {
    const { signer, contract } = await wallet();
    const value = amountOf($('topupAmount').value);
    const was = st.channel;
    const before = st.deposit - st.paid;
    const mine = st.funder && (await signer.getAddress()).toLowerCase() === st.funder.toLowerCase();
    message('Confirm the top-up in your wallet…', 'warn');
    const tx = await fund(signer, contract, value, mine ? st.channel : null);
    message('Waiting for the top-up to be confirmed…', 'warn');
    await tx.wait();
    if (!(await waitForChannel(() => st.channel !== was || st.deposit - st.paid > before))) {
      throw new Error('the server has not seen the top-up yet');
    }
    const fresh = st.channel !== was || !st.token;
    const ok = await serial(() => (fresh ? openSession() : raise(true, true)));
    if (!ok) throw new Error('the server refused the new credit');
    hide('topupBox');
    restart();
  } catch (e) {
    message('Top-up failed: ' + (e.shortMessage || e.message), 'bad');
  } finally {
    $('topup').disabled = false;
  }
}

// tip raises the voucher by the chosen amount, on top of what is paid:
// the server spends the raise as a tip at once.
function tip() {
  return serial(async () => {
    const amount = BigInt($('tipAmount').value) * st.price;
    if (st.paid + amount > st.deposit) {
      message(`Not enough left in the channel for this tip (${money(st.deposit - st.paid, st.terms.token)} unsigned).`, 'warn');
      return;
    }
    try {
      took(await api('POST', `${pay}/tip`, await sign(st.paid + amount), st.token));
      message(`Thank you: ${money(amount, st.terms.token)} sent as a tip.`, 'good');
    } catch (e) {
      message('Tip refused: ' + e.message, 'bad');
    }
    render();
  });
}

// linkKey takes the burner key (and channel) from the link's fragment
// into this tab's storage, and the fragment out of the address bar and
// history, where it would be shared with the page's address.
function linkKey() {
  const name = `livegate.link.${stream}`;
  const frag = new URLSearchParams(location.hash.slice(1));
  if (frag.get('k')) {
    sessionStorage.setItem(name, JSON.stringify({ k: frag.get('k'), c: frag.get('c') || '' }));
    history.replaceState(null, '', location.pathname + location.search);
  }
  try {
    return JSON.parse(sessionStorage.getItem(name) || 'null');
  } catch (_) {
    return null;
  }
}

async function main() {
  render();
  $('connect').addEventListener('click', connect);
  $('topup').addEventListener('click', topUpWallet);
  $('tip').addEventListener('click', tip);
  const link = linkKey();
  let terms;
  try {
    terms = await api('GET', `${pay}/terms`);
  } catch (e) {
    if (e.status === 404) {
      st.free = true;
      render();
      play();
      return;
    }
    message('Cannot load the stream\'s terms: ' + e.message, 'bad');
    return;
  }
  st.terms = terms;
  const t = tokenOf();
  if (t) {
    // Priced in a token: deposits are typed in it (10 of a stablecoin).
    for (const u of document.querySelectorAll('.unit')) u.textContent = t.symbol;
    $('deposit').value = $('topupAmount').value = '10';
  }
  st.price = BigInt(terms.pricePerSecond);
  render();
  try {
    if (link) {
      st.key = new Wallet(link.k);
      st.named = link.c; // the link's channel, when it names one
      // A link handed out moments after its channel was opened may come
      // before the server has seen the channel: wait for it a while.
      for (let i = 0; !(await startPaying()); i++) {
        if (!st.named || i >= 45) {
          message('This link\'s key has no channel with credit for this server.', 'bad');
          return;
        }
        message('Waiting for this link\'s channel to be confirmed on chain…', 'warn');
        await new Promise((r) => setTimeout(r, 2000));
      }
      if (!st.outOfCredit) clearMessage();
      return;
    }
    st.key = sessionKey(terms.contract);
    if (await startPaying()) return;
  } catch (e) {
    message('Payment failed: ' + e.message, 'bad');
    return;
  }
  show('connectBox');
  $('who').textContent = window.ethereum ? 'Connect a wallet to watch.' : 'No wallet found: install MetaMask, or open a prefunded link.';
  status('waiting for payment');
}

main();
