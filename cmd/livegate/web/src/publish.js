// The publish page: the browser's camera and microphone to livegate over
// WHIP (RFC 9725), H.264 and Opus, with a live preview.
import { $ } from './common.js';

const stream = decodeURIComponent(location.pathname.split('/')[2] || '');
const video = $('preview');
let media = null;
let pc = null;
let location_ = '';
let statsTimer = null;
let lastBytes = 0;
let lastAt = 0;

// window.livegate lets the browser tests and people debugging see how
// publishing goes.
const st = { stream, state: 'off air', error: '', bytesSent: 0, codec: '' };
window.livegate = { state: () => ({ ...st }) };

function message(text, kind) {
  const m = $('msg');
  m.textContent = text;
  m.className = 'msg show ' + (kind || 'warn');
}

function setState(s, cls) {
  st.state = s;
  $('state').textContent = s;
  $('state').className = 'pill ' + (cls || '');
}

async function devices() {
  const all = await navigator.mediaDevices.enumerateDevices();
  for (const [sel, kind] of [[$('camera'), 'videoinput'], [$('mic'), 'audioinput']]) {
    const was = sel.value;
    sel.innerHTML = '';
    for (const d of all.filter((x) => x.kind === kind)) {
      const o = document.createElement('option');
      o.value = d.deviceId;
      o.textContent = d.label || kind;
      sel.appendChild(o);
    }
    if (was) sel.value = was;
  }
}

async function preview() {
  if (media) media.getTracks().forEach((t) => t.stop());
  media = await navigator.mediaDevices.getUserMedia({
    video: { deviceId: $('camera').value || undefined, width: 1280, height: 720, frameRate: 30 },
    audio: { deviceId: $('mic').value || undefined },
  });
  video.srcObject = media;
}

// preferH264 puts H.264 (packetization mode 1, constrained baseline first)
// ahead of the other codecs: livegate takes H.264 only.
function preferH264(tr) {
  if (!RTCRtpSender.getCapabilities || !tr.setCodecPreferences) return;
  const codecs = RTCRtpSender.getCapabilities('video').codecs;
  const score = (c) => {
    if (c.mimeType.toLowerCase() !== 'video/h264') return 0;
    const f = c.sdpFmtpLine || '';
    return (f.includes('packetization-mode=1') ? 2 : 1) + (f.includes('42e01f') ? 1 : 0);
  };
  const h264 = codecs.filter((c) => score(c) > 0).sort((a, b) => score(b) - score(a));
  if (h264.length === 0) throw new Error('this browser cannot send H.264, which livegate needs');
  tr.setCodecPreferences(h264);
}

function gathered(pc) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, 2000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

async function start() {
  $('start').disabled = true;
  try {
    if (!$('key').value) throw new Error('enter the stream key');
    if (!media) await preview();
    pc = new RTCPeerConnection();
    for (const track of media.getTracks()) {
      const tr = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
      if (track.kind === 'video') {
        preferH264(tr);
        const p = tr.sender.getParameters();
        p.encodings = [{ maxBitrate: 2500000 }];
        await tr.sender.setParameters(p).catch(() => {});
      }
    }
    pc.addEventListener('connectionstatechange', () => {
      if (pc && (pc.connectionState === 'failed' || pc.connectionState === 'disconnected')) {
        setState('connection lost', 'live');
        message('The connection to livegate was lost. Press Go live to reconnect.', 'bad');
        stop(false);
      }
      if (pc && pc.connectionState === 'connected') setState('live', 'live');
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    setState('connecting');
    const resp = await fetch(`/whip/${encodeURIComponent(stream)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + $('key').value },
      body: pc.localDescription.sdp,
    });
    const text = await resp.text();
    if (resp.status !== 201) throw new Error(`${resp.status}: ${text.trim()}`);
    location_ = new URL(resp.headers.get('Location'), location.href).href;
    await pc.setRemoteDescription({ type: 'answer', sdp: text });
    $('stop').disabled = false;
    $('camera').disabled = $('mic').disabled = true; // the tracks on air
    $('msg').className = 'msg';
    statsTimer = setInterval(stats, 1000);
  } catch (e) {
    st.error = e.message;
    message('Could not go live: ' + e.message, 'bad');
    setState('off air');
    if (pc) pc.close();
    pc = null;
    $('start').disabled = false;
  }
}

async function stats() {
  if (!pc) return;
  const report = await pc.getStats();
  let bytes = 0;
  report.forEach((r) => {
    if (r.type === 'outbound-rtp' && r.kind === 'video') {
      bytes = r.bytesSent;
      const c = r.codecId && report.get(r.codecId);
      if (c) st.codec = c.mimeType;
      $('detail').textContent = `${r.frameWidth || '?'}×${r.frameHeight || '?'} at ${Math.round(r.framesPerSecond || 0)} fps, ${st.codec}`;
    }
  });
  const now = performance.now();
  if (lastAt) $('rate').textContent = `${((8 * (bytes - lastBytes)) / (now - lastAt) / 1000).toFixed(2)} Mb/s`;
  st.bytesSent = bytes;
  lastBytes = bytes;
  lastAt = now;
}

async function stop(sayBye = true) {
  clearInterval(statsTimer);
  if (sayBye && location_) await fetch(location_, { method: 'DELETE' }).catch(() => {});
  location_ = '';
  if (pc) pc.close();
  pc = null;
  $('stop').disabled = true;
  $('start').disabled = false;
  $('camera').disabled = $('mic').disabled = false;
  if (sayBye) setState('off air');
}

async function main() {
  $('title').textContent = stream;
  const w = `${location.origin}/watch/${encodeURIComponent(stream)}`;
  $('watch').textContent = w;
  $('watch').href = w;
  $('start').addEventListener('click', start);
  $('stop').addEventListener('click', () => stop(true));
  $('camera').addEventListener('change', preview);
  $('mic').addEventListener('change', preview);
  try {
    await preview();
    await devices();
  } catch (e) {
    message('No camera or microphone: ' + e.message, 'bad');
  }
}

main();
