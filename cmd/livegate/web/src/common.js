// What the pages share: element lookup, JSON calls to livegate's API
// with its {"error": …} refusals turned into exceptions, and formatting.
import { formatEther, formatUnits } from 'ethers';

export const $ = (id) => document.getElementById(id);

export function show(id) {
  $(id).style.display = 'block';
}

export function hide(id) {
  $(id).style.display = 'none';
}

// api calls livegate; a refusal throws an Error carrying the server's
// message, its reason code and the HTTP status.
export async function api(method, path, body, bearer) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try {
    data = await resp.json();
  } catch (_) {
    data = null;
  }
  if (!resp.ok) {
    const e = new Error((data && data.error) || `${resp.status} ${resp.statusText}`);
    e.status = resp.status;
    e.reason = data && data.reason;
    throw e;
  }
  return data;
}

export function fmtDuration(s) {
  if (!isFinite(s) || s < 0) return '—';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${Math.floor(s)} s`;
}

// money shows an amount in a token's smallest unit (a bigint or a
// decimal string) with its symbol and decimals ("0.02 USDL"), or, for
// ETH (no token, or the zero address), as eth does.
export function money(amount, token) {
  if (!token || !token.address || /^0x0{40}$/i.test(token.address)) return eth(amount);
  const v = BigInt(amount || 0);
  if (v === 0n) return `0 ${token.symbol}`;
  return formatUnits(v, token.decimals).replace(/(\.\d{1,6})\d*$/, '$1').replace(/\.0$/, '') + ' ' + token.symbol;
}

// eth shows an amount of wei (a bigint or a decimal string) in the unit
// that keeps it readable.
export function eth(wei) {
  const w = BigInt(wei || 0);
  if (w === 0n) return '0';
  if (w < 1000000n) return `${w} wei`;
  if (w < 1000000000000n) return `${(Number(w) / 1e9).toPrecision(3)} gwei`;
  return formatEther(w).replace(/(\.\d{1,6})\d*$/, '$1') + ' ETH';
}
