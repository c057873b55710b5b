// The organizer's dashboard: polls GET /admin/state with the admin token
// (from the link's fragment, #token=…, or typed in) and shows streams,
// viewers, money, channels and recordings as they change.
import { $, api, show, hide, fmtDuration, money } from './common.js';

const KEY = 'livegate.adminToken';
let token = '';
let timer = null;

// window.livegate lets the browser tests read what was shown last.
window.livegate = { state: null };


function short(hex) {
  return hex ? hex.slice(0, 10) + '…' : '—';
}

// latencyMode names a stream's kind of HLS.
function latencyMode(s) {
  return s.lowLatency ? `low-latency, ${Math.round(s.part * 1000)} ms parts` : 'standard';
}

function mbps(bits) {
  return bits ? `${(bits / 1e6).toFixed(2)} Mb/s` : '—';
}

// row appends a table row; a cell is text, or a [text, class] pair.
function row(tbody, cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    const [text, cls] = Array.isArray(c) ? c : [c, ''];
    td.textContent = String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
  }
  tbody.appendChild(tr);
  return tr;
}

function pill(text, cls) {
  const s = document.createElement('span');
  s.className = 'pill ' + cls;
  s.textContent = text;
  return s;
}

function render(st) {
  window.livegate.state = st;
  $('updated').textContent = 'updated ' + new Date(st.time).toLocaleTimeString();
  const totals = $('totals');
  totals.innerHTML = '';
  let viewers = 0;
  let live = 0;
  // Sums per asset: ETH and a stablecoin are not added together.
  const sums = new Map();
  const add = (token, field, v) => {
    const k = token.address;
    if (!sums.has(k)) sums.set(k, { token, paid: 0n, tips: 0n, owed: 0n });
    sums.get(k)[field] += BigInt(v);
  };
  for (const s of st.streams) {
    add(s.token, 'paid', s.paid);
    add(s.token, 'tips', s.tips);
    viewers += s.viewers;
    if (s.live) live++;
  }
  for (const c of st.channels) {
    if (c.settlement === 'owed') add(c.token, 'owed', BigInt(c.best) - BigInt(c.claimed));
  }
  const total = (field) => [...sums.values()].filter((x) => x[field] > 0n).map((x) => money(x[field], x.token)).join(' + ') || '0';
  const [paid, tips, owed] = [total('paid'), total('tips'), total('owed')];
  for (const [label, value] of [['live streams', `${live} of ${st.streams.length}`], ['viewers', viewers],
    ['paid', paid], ['tips', tips], ['to settle', owed]]) {
    const p = document.createElement('div');
    p.className = 'panel';
    p.style.flex = '1 1 160px';
    const h = document.createElement('h2');
    h.textContent = label;
    const b = document.createElement('div');
    b.className = 'big';
    b.textContent = String(value);
    p.append(h, b);
    totals.appendChild(p);
  }

  const sb = $('streams').tBodies[0];
  sb.innerHTML = '';
  for (const s of st.streams) {
    const tr = row(sb, [s.name, '', latencyMode(s), s.protocol || '—', mbps(s.bitrate),
      s.renditions.map((r) => (r.height ? `${r.height}p` : r.name)).join(', ') || '—', s.viewers,
      money(BigInt(s.pricePerSecond) * 60n, s.token), money(s.paid, s.token), money(s.spent, s.token), money(s.tips, s.token),
      s.paymentRequired, s.vouchers]);
    tr.cells[1].appendChild(s.live ? pill('live', 'live') : pill('idle', ''));
  }

  const cb = $('channels').tBodies[0];
  cb.innerHTML = '';
  for (const c of st.channels) {
    const tr = row(cb, [[short(c.channel), 'mono'], [short(c.signer), 'mono'], money(c.deposit, c.token), money(c.best, c.token),
      money(c.spent, c.token), money(c.claimed, c.token), c.expiry && !c.expiry.startsWith('0001') ? new Date(c.expiry).toLocaleString() : '—', '']);
    tr.cells[0].title = c.channel;
    tr.cells[7].appendChild(pill(c.settlement, c.settlement === 'settled' ? 'ok' : c.settlement === 'owed' ? 'live' : ''));
  }

  const rb = $('recordings').tBodies[0];
  rb.innerHTML = '';
  for (const s of st.streams) {
    for (const r of s.recordings) {
      // The root CID once the recording is published to IPFS (ipfs: in
      // the config): anyone may pin it; its keys are still sold here.
      const tr = row(rb, [s.name, [r.id, 'mono'], new Date(r.started).toLocaleString(), fmtDuration(r.duration), r.segments,
        [r.ipfs ? '…' + r.ipfs.slice(-12) : '—', 'mono'], '']);
      if (r.ipfs) tr.cells[5].title = r.ipfs;
      const a = document.createElement('a');
      a.href = `/watch/${encodeURIComponent(s.name)}/${encodeURIComponent(r.id)}`;
      a.textContent = r.live ? 'recording…' : 'replay';
      tr.cells[6].appendChild(a);
    }
  }
}

async function poll() {
  try {
    render(await api('GET', '/admin/state', undefined, token));
    $('msg').className = 'msg';
    hide('login');
    show('board');
  } catch (e) {
    if (e.status === 401) {
      clearInterval(timer);
      sessionStorage.removeItem(KEY);
      show('login');
      hide('board');
      $('msg').textContent = 'That admin token was refused.';
      $('msg').className = 'msg show bad';
      return;
    }
    $('msg').textContent = 'Cannot reach livegate: ' + e.message;
    $('msg').className = 'msg show warn';
  }
}

function start(t) {
  token = t;
  sessionStorage.setItem(KEY, t);
  clearInterval(timer);
  poll();
  timer = setInterval(poll, 2000);
}

function main() {
  $('enter').addEventListener('click', () => start($('token').value));
  const frag = new URLSearchParams(location.hash.slice(1));
  if (frag.get('token')) {
    history.replaceState(null, '', location.pathname); // out of the address bar and history
    start(frag.get('token'));
    return;
  }
  const saved = sessionStorage.getItem(KEY);
  if (saved) start(saved);
  else show('login');
}

main();
