// Replays from IPFS: the watch page fetches a recording's segments from
// public IPFS HTTP gateways, checks each against its CID here (so no
// gateway need be trusted), tries the next gateway when one fails, is
// slow or lies, and falls back to livegate's origin, which is trusted.
//
// The contract with the server (a recording's VOD media playlists, when
// livegate has IPFS gateways configured):
//
//	#EXTM3U
//	#EXT-X-LG-GATEWAY:URI="http://127.0.0.1:8081"
//	#EXT-X-LG-GATEWAY:URI="https://gw.example"
//	...
//	#EXTINF:4.000,
//	http://127.0.0.1:8081/ipfs/bafkrei…#lg-origin=12.ts
//
//   - A segment published to IPFS is named {gateway}/ipfs/{cid}#lg-origin={rel}:
//     {gateway} is the first configured gateway (scheme, host, optional
//     path prefix, no trailing slash); {cid} is the segment's CIDv1 in
//     lowercase base32 (multibase 'b'), as `ipfs add --cid-version=1
//     --raw-leaves` with the default chunker gives it (raw 0x55 or dag-pb
//     0x70, sha2-256); {rel} is the origin's URL of the same bytes, a URL
//     reference (percent-encoded, no '#', a query allowed) resolved
//     against the media playlist's URL: `12.ts` is
//     /vod/{stream}/{rec}/{rendition}/12.ts. Nothing follows it in the
//     fragment.
//   - Each configured gateway is named, in the order to try, by one
//     #EXT-X-LG-GATEWAY:URI="{gateway}" line in the media playlist (the
//     header is the place; the page reads the whole text of every
//     playlist, and the last one naming gateways sets the list). Path
//     gateways only: subdomain gateways ({cid}.ipfs.host) are not read. hls.js ignores
//     the tag; the page reads it through its playlist loader. The page
//     tries the segment URL's own gateway first, then the others; a
//     gateway seen only in segment URLs is tried too.
//   - Keys stay on livegate (EXT-X-KEY URIs unchanged): the gateways serve
//     only the encrypted bytes, which are public.
//   - The watch page's Content-Security-Policy must let it connect to
//     every gateway's origin (connect-src), and the gateways must answer
//     with CORS (kubo's gateway sends Access-Control-Allow-Origin: *).
//
// A page without WebCrypto (one served over plain HTTP from a host other
// than localhost is not a secure context) can verify nothing: it plays
// every such segment from the origin. Other segment URLs (live segments,
// byte ranges, a recording not on IPFS) load as before.

const CHUNK = 262144; // kubo's default chunker: size-262144
const MAX_LINKS = 174; // kubo's balanced layout: links per node
const RAW = 0x55;
const DAG_PB = 0x70;
const SHA2_256 = 0x12;
const FIRST_BYTE_MS = 4000; // a gateway's time to the first byte…
const LOAD_MS = 10000; // …and to the whole segment, before the next is tried
const PENALTY_MS = 60000; // how long a failed gateway is tried last

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes) {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

function unbase32(s) {
  const out = [];
  let bits = 0;
  let acc = 0;
  for (const c of s) {
    const v = B32.indexOf(c);
    if (v < 0) return null;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return bits >= 5 || acc !== 0 ? null : Uint8Array.from(out); // non-canonical padding bits
}

// varint is n (up to 2^53) as an unsigned LEB128 varint.
function varint(n) {
  const out = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

// readVarint reads a varint of at most 4 bytes (CID codes) at b[i].
function readVarint(b, i) {
  let n = 0;
  for (let k = 0; k < 4 && i + k < b.length; k++) {
    n += (b[i + k] & 127) * 2 ** (7 * k);
    if (b[i + k] < 128) return [n, i + k + 1];
  }
  return [-1, b.length];
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function cidBytes(codec, digest) {
  return Uint8Array.from([1, ...varint(codec), SHA2_256, 32, ...digest]);
}

// field is a protobuf length-delimited field.
function field(num, bytes) {
  return [(num << 3) | 2, ...varint(bytes.length), ...bytes];
}

// parseCID reads a CIDv1 in base32 the page can check: raw or dag-pb,
// sha2-256. Anything else is null.
export function parseCID(s) {
  if (typeof s !== 'string' || s[0] !== 'b') return null;
  const b = unbase32(s.slice(1));
  if (!b) return null;
  const [version, i] = readVarint(b, 0);
  const [codec, j] = readVarint(b, i);
  const [hash, k] = readVarint(b, j);
  const [len, m] = readVarint(b, k);
  if (version !== 1 || (codec !== RAW && codec !== DAG_PB) || hash !== SHA2_256 || len !== 32 || b.length !== m + 32) {
    return null;
  }
  return { codec, bytes: b, digest: b.subarray(m) };
}

// cidBytesOf is the binary CID kubo's `ipfs add --cid-version=1
// --raw-leaves` gives bytes: up to one chunk, a raw leaf; more, a dag-pb
// node linking the chunks' raw leaves, as go-codec-dagpb encodes it
// (each link with its Hash, an empty Name and its Tsize; then the UnixFS
// Data: Type File, filesize, one blocksize per chunk). A file of more
// than 174 chunks (45 MB) would need a second level, which no segment
// needs: it is null, unverifiable.
async function cidBytesOf(bytes) {
  if (bytes.length <= CHUNK) return cidBytes(RAW, await sha256(bytes));
  const n = Math.ceil(bytes.length / CHUNK);
  if (n > MAX_LINKS) return null;
  const chunks = [];
  for (let i = 0; i < n; i++) chunks.push(bytes.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, bytes.length)));
  const leaves = await Promise.all(chunks.map(async (c) => cidBytes(RAW, await sha256(c))));
  const node = [];
  chunks.forEach((c, i) => {
    node.push(...field(2, [...field(1, leaves[i]), ...field(2, []), 0x18, ...varint(c.length)]));
  });
  const data = [0x08, 2, 0x18, ...varint(bytes.length)];
  for (const c of chunks) data.push(0x20, ...varint(c.length));
  node.push(...field(1, data));
  return cidBytes(DAG_PB, await sha256(Uint8Array.from(node)));
}

// cidOf is the CID (base32 CIDv1) of bytes as kubo would add them, or
// null beyond one level of links.
export async function cidOf(bytes) {
  const b = await cidBytesOf(bytes);
  return b ? 'b' + base32(b) : null;
}

// verify says whether bytes are what cid names. A CID the page cannot
// check (another version, codec or hash; a second level of links; no
// WebCrypto) is false: the bytes are not taken.
export async function verify(bytes, cid) {
  const want = parseCID(cid);
  if (!want || !globalThis.crypto || !crypto.subtle) return false;
  try {
    if (want.codec === RAW) return equal(await sha256(bytes), want.digest);
    const got = await cidBytesOf(bytes);
    return !!got && equal(got, want.bytes);
  } catch (_) {
    return false;
  }
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const SEGMENT = /^(.*)\/ipfs\/(b[a-z2-7]+)$/;
const GATEWAY_TAG = /^#EXT-X-LG-GATEWAY:.*\bURI="([^"]+)"/gm;

// ipfsSegment reads a segment URL of the contract: its gateway, CID and
// the origin's URL reference, or null.
export function ipfsSegment(url) {
  const hash = url.indexOf('#');
  if (hash < 0 || !url.startsWith('#lg-origin=', hash)) return null;
  const m = SEGMENT.exec(url.slice(0, hash));
  const rel = url.slice(hash + '#lg-origin='.length);
  if (!m || !rel || !parseCID(m[2])) return null;
  return { gateway: m[1], cid: m[2], rel };
}

// Gateways keeps the gateways the playlists name and when each last
// failed: one that failed in the last minute is tried after the others.
class Gateways {
  constructor() {
    this.list = [];
    this.failed = new Map(); // gateway → when it failed (ms)
  }

  // fromPlaylist takes the list a media playlist names, if it names any.
  fromPlaylist(text) {
    const found = [];
    for (const m of String(text).matchAll(GATEWAY_TAG)) {
      const g = m[1].replace(/\/+$/, '');
      if (!found.includes(g)) found.push(g);
    }
    if (found.length) this.list = found;
  }

  // order is the gateways to try for a segment at first.
  order(first) {
    const all = [first, ...this.list.filter((g) => g !== first)];
    const now = Date.now();
    const bad = (g) => this.failed.has(g) && now - this.failed.get(g) < PENALTY_MS;
    const ok = all.filter((g) => !bad(g));
    const last = all.filter(bad).sort((a, b) => this.failed.get(a) - this.failed.get(b));
    return [...ok, ...last];
  }

  fail(g) {
    this.failed.set(g, Date.now());
  }

  succeed(g) {
    this.failed.delete(g);
  }
}

// ipfsLoaders makes the loaders the page gives hls.js: pLoader, the
// default playlist loader reading the gateways a media playlist names,
// and fLoader, which loads a segment of the contract from the gateways
// and then the origin and any other segment as the default loader does.
// counts ({gateway, origin, bad, failed}) says where segments came from:
// verified from a gateway, from the origin after the gateways, bytes a
// gateway sent that did not match their CID, a gateway's HTTP error or
// timeout.
export function ipfsLoaders(Hls, counts) {
  const Default = Hls.DefaultConfig.loader;
  const gateways = new Gateways();

  class PlaylistLoader extends Default {
    load(context, config, callbacks) {
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          if (typeof response.data === 'string') gateways.fromPlaylist(response.data);
          callbacks.onSuccess(response, stats, ctx, details);
        },
      });
    }
  }

  class FragmentLoader extends Default {
    constructor(config) {
      super(config);
      this.hlsConfig = config;
      this.attempt = null; // the inner loader now loading, in IPFS mode
      this.ipfs = null; // {context, config, callbacks, seg, queue} in IPFS mode
    }

    load(context, config, callbacks) {
      const seg = context.rangeEnd ? null : ipfsSegment(context.url);
      if (!seg) {
        super.load(context, config, callbacks);
        return;
      }
      if (this.stats.loading.start) throw new Error('Loader can only be used once.');
      this.stats.loading.start = self.performance.now();
      this.context = context;
      this.ipfs = { context, config, callbacks, seg, queue: gateways.order(seg.gateway) };
      this.next();
    }

    // next tries the next gateway, or the origin after the last.
    next() {
      const { context, config, seg, queue } = this.ipfs;
      const gw = queue.shift();
      if (gw === undefined) {
        this.fromOrigin();
        return;
      }
      // The gateways get no page hook (xhrSetup), so no token: only the
      // origin's URLs carry one.
      const inner = this.start({ ...this.hlsConfig, xhrSetup: undefined, fetchSetup: undefined });
      const loadPolicy = {
        ...config.loadPolicy,
        maxTimeToFirstByteMs: Math.min(FIRST_BYTE_MS, config.loadPolicy.maxTimeToFirstByteMs || Infinity),
        maxLoadTimeMs: Math.min(LOAD_MS, config.loadPolicy.maxLoadTimeMs || Infinity),
        timeoutRetry: null,
        errorRetry: null,
      };
      const failed = () => {
        if (inner !== this.attempt) return;
        counts.failed++;
        gateways.fail(gw);
        this.next();
      };
      inner.load({ ...context, url: `${gw}/ipfs/${seg.cid}` }, { ...config, loadPolicy, timeout: loadPolicy.maxLoadTimeMs }, {
        onSuccess: async (response, stats, _ctx, details) => {
          if (inner !== this.attempt) return;
          const ok = await verify(new Uint8Array(response.data), seg.cid);
          if (inner !== this.attempt) return; // aborted meanwhile
          if (!ok) {
            counts.bad++;
            gateways.fail(gw);
            this.next();
            return;
          }
          counts.gateway++;
          gateways.succeed(gw);
          this.deliver(response, stats, details);
        },
        onError: failed,
        onTimeout: failed,
      });
    }

    // fromOrigin loads the segment from livegate, with the page's hook
    // (the token) and hls.js's own policy; its failure is the segment's.
    fromOrigin() {
      const { context, config, callbacks, seg } = this.ipfs;
      let url;
      try {
        url = new URL(seg.rel, (context.frag && context.frag.baseurl) || location.href).href;
      } catch (e) {
        this.ipfs.done = true;
        callbacks.onError({ code: 0, text: `no origin URL in ${context.url}: ${e.message}` }, context, null, this.stats);
        return;
      }
      const inner = this.start(this.hlsConfig);
      const mine = (f) => (...args) => inner === this.attempt && f(...args);
      inner.load({ ...context, url }, config, {
        onSuccess: mine((response, stats, _ctx, details) => {
          counts.origin++;
          this.deliver(response, stats, details);
        }),
        onError: mine((error, _ctx, details, stats) => {
          this.ipfs.done = true;
          this.copy(stats);
          this.finish();
          callbacks.onError(error, context, details, this.stats);
        }),
        onTimeout: mine((stats, _ctx, details) => {
          this.ipfs.done = true;
          this.copy(stats);
          this.finish();
          callbacks.onTimeout(this.stats, context, details);
        }),
      });
    }

    // start makes the inner loader of one attempt, ending the last.
    start(config) {
      this.finish();
      this.attempt = new Default(config);
      return this.attempt;
    }

    finish() {
      const a = this.attempt;
      this.attempt = null;
      if (a) a.destroy();
    }

    // copy takes an attempt's timings and sizes into the stats hls.js
    // holds (frag.stats is this loader's own object).
    copy(stats) {
      const s = this.stats;
      s.loaded = stats.loaded;
      s.total = stats.total;
      s.loading.first = Math.max(stats.loading.first, s.loading.start);
      s.loading.end = Math.max(self.performance.now(), s.loading.first);
      s.bwEstimate = s.loading.end > s.loading.first ? (s.total * 8000) / (s.loading.end - s.loading.first) : 0;
    }

    // deliver hands hls.js the bytes as the default loader does: the
    // whole payload as progress, then success.
    deliver(response, stats, details) {
      const { context, callbacks } = this.ipfs;
      this.ipfs.done = true;
      this.copy(stats);
      this.finish();
      if (callbacks.onProgress) callbacks.onProgress(this.stats, context, response.data, details);
      callbacks.onSuccess({ url: response.url, data: response.data, code: 200 }, this.stats, context, details);
    }

    abort() {
      if (!this.ipfs) {
        super.abort();
        return;
      }
      this.finish();
      if (this.ipfs.done) return;
      this.ipfs.done = true;
      this.stats.aborted = true;
      const { context, callbacks } = this.ipfs;
      if (callbacks.onAbort) callbacks.onAbort(this.stats, context, null);
    }

    destroy() {
      this.finish();
      this.ipfs = null;
      super.destroy();
    }
  }

  return { pLoader: PlaylistLoader, fLoader: FragmentLoader };
}
