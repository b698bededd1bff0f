// The public edge under abuse, in workerd (wrangler dev) with local D1, Queues, the Rate
// Limiting binding and the handoff-cap Durable Object: origin allow-lists and CORS, burst
// limits reached and recovered, the handoff cap exact under concurrent requests, Turnstile
// accepted / rejected / replayed against a local stub of siteverify, and the security headers
// on every kind of answer.
//
// The limits and origins are read from the site file, not written here.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chat, eventually, ROOT, shopperAddress, startReceiver, startSiteverify, startWorker } from './harness.mjs';

const SITE_FILE = readFileSync(path.join(ROOT, 'edge/sites/demo.toml'), 'utf8');
const limit = (name) => Number(SITE_FILE.match(new RegExp(`^${name} = (\\d+)$`, 'm'))[1]);
const LIMITS = {
  perConversation: limit('messages_per_conversation'),
  perAddress: limit('messages_per_address'),
  handoffs: limit('handoffs_per_address'),
  windowHours: limit('handoff_window_hours'),
};
const ORIGINS = JSON.parse(SITE_FILE.match(/^origins = (\[.*\])$/m)[1]);
const BURST_WINDOW_MS = 10_000;
const ANSWERABLE = 'how long does shipping to Germany take?';
const HANDOFF = 'Can I order 200 shirts for my boutique in Lisbon at a wholesale price?';

function assertError(res, status, code) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json?.error?.code, code, JSON.stringify(res.json));
  assert.equal(typeof res.json.error.message, 'string');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
}

async function raw(base, pathname, init = {}) {
  const res = await fetch(`${base}${pathname}`, init);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

/// Waits until a fresh 10 s window of the rate limiter has just begun (workerd shares this
/// clock), so a burst of requests lands in one window.
async function startOfWindow() {
  for (;;) {
    const into = Date.now() % BURST_WINDOW_MS;
    if (into > 50 && into < 400) return Date.now();
    await new Promise((r) => setTimeout(r, Math.max(10, BURST_WINDOW_MS - into + 60)));
  }
}

describe('edge guard: origins, limits, handoff cap', () => {
  let receiver;
  let worker;

  before(async () => {
    receiver = await startReceiver();
    worker = await startWorker({ webhookUrl: receiver.url });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
  });

  test('the site file lists storefront origins and limits this test reads', () => {
    assert.ok(ORIGINS.length >= 1);
    for (const v of Object.values(LIMITS)) assert.ok(Number.isInteger(v) && v > 0);
  });

  test('an allowed origin gets CORS for itself only, with Vary: Origin', async () => {
    const origin = ORIGINS[0];
    const res = await chat(worker.base, { text: ANSWERABLE }, { origin });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    assert.match(res.headers.get('vary'), /Origin/i);
    assert.match(res.headers.get('access-control-expose-headers'), /Retry-After/i);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);

    // The preflight a browser sends first (JSON bodies are not "simple" requests).
    const pre = await fetch(`${worker.base}/v1/chat?site=demo`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    assert.match(pre.headers.get('access-control-allow-headers'), /content-type/i);
    assert.ok(Number(pre.headers.get('access-control-max-age')) > 0);
    assert.equal(pre.headers.get('x-content-type-options'), 'nosniff');

    // The config the widget loads, and the contact form's endpoint, the same way.
    const config = await raw(worker.base, '/v1/config?site=demo', { headers: { origin } });
    assert.equal(config.status, 200);
    assert.equal(config.headers.get('access-control-allow-origin'), origin);
    assert.match(config.headers.get('vary'), /Origin/i);
    const contactPre = await fetch(`${worker.base}/v1/contact?site=demo`, { method: 'OPTIONS', headers: { origin } });
    assert.equal(contactPre.status, 204);
    assert.equal(contactPre.headers.get('access-control-allow-origin'), origin);
    // An error for an allowed origin is readable by its page too.
    const bad = await raw(worker.base, '/v1/chat?site=demo', { method: 'POST', headers: { origin }, body: '{"site":"demo"}' });
    assertError(bad, 400, 'bad_request');
    assert.equal(bad.headers.get('access-control-allow-origin'), origin);
  });

  test('another origin is refused with 403 JSON and no CORS, on every endpoint', async () => {
    for (const origin of ['https://evil.example', `${ORIGINS[0]}.evil.example`, ORIGINS[0].replace('https:', 'http:'), 'null']) {
      const res = await chat(worker.base, { text: 'refused-origin-probe' }, { origin });
      assertError(res, 403, 'origin_not_allowed');
      assert.match(res.json.error.message, /origins/);
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      const pre = await raw(worker.base, '/v1/chat?site=demo', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      assertError(pre, 403, 'origin_not_allowed');
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
      assertError(await raw(worker.base, '/v1/config?site=demo', { headers: { origin } }), 403, 'origin_not_allowed');
      assertError(await raw(worker.base, '/v1/contact?site=demo', {
        method: 'POST', headers: { origin }, body: JSON.stringify({ site: 'demo', conversation_id: 'c1', ticket: 'FRY-22222222', contact: { email: 'a@b.co' } }),
      }), 403, 'origin_not_allowed');
    }
    // Nothing was recorded for the refused messages.
    assert.equal(worker.query("SELECT COUNT(*) AS n FROM messages WHERE text = 'refused-origin-probe'")[0].n, 0);
  });

  test('no Origin (a server, a same-origin GET) and the Worker\'s own origin need no CORS', async () => {
    const none = await chat(worker.base, { text: ANSWERABLE });
    assert.equal(none.status, 200);
    assert.equal(none.headers.get('access-control-allow-origin'), null);
    const own = await chat(worker.base, { text: ANSWERABLE }, { origin: worker.base });
    assert.equal(own.status, 200, JSON.stringify(own.json));
    assert.equal(own.headers.get('access-control-allow-origin'), null);
    // A preflight must name the site: it has no body to read it from.
    assertError(await raw(worker.base, '/v1/chat', { method: 'OPTIONS', headers: { origin: ORIGINS[0] } }), 400, 'bad_request');
    // The URL's site and the body's must agree.
    const mismatch = await raw(worker.base, '/v1/chat?site=other', {
      method: 'POST', body: JSON.stringify({ site: 'demo', conversation_id: 'c1', client_message_id: 'm1', text: 'hi' }),
    });
    assertError(mismatch, 400, 'bad_request');
    assert.match(mismatch.json.error.message, /`site`/);
  });

  test('a conversation over its burst limit gets 429 with Retry-After, then recovers', async () => {
    const conversation_id = `burst${Date.now()}`;
    const address = shopperAddress();
    const send = (i) => chat(worker.base, { conversation_id, client_message_id: `b${i}-${Date.now()}`, text: ANSWERABLE }, { 'cf-connecting-ip': address });
    let results;
    for (let attempt = 0; attempt < 3; attempt++) {
      const start = await startOfWindow();
      results = [];
      for (let i = 0; i <= LIMITS.perConversation; i++) results.push(await send(i));
      if (Date.now() - start < BURST_WINDOW_MS - 500) break; // all in one window
    }
    const statuses = results.map((r) => r.status);
    assert.deepEqual(statuses.slice(0, LIMITS.perConversation), Array(LIMITS.perConversation).fill(200), statuses.join());
    const over = results[LIMITS.perConversation];
    assertError(over, 429, 'rate_limited');
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After ${retryAfter}`);
    // Another conversation from the same address is not affected.
    const other = await chat(worker.base, { text: ANSWERABLE }, { 'cf-connecting-ip': address });
    assert.equal(other.status, 200);
    // After Retry-After, the conversation may write again.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 200));
    const again = await send('again');
    assert.equal(again.status, 200, JSON.stringify(again.json));
    assert.equal(again.json.reply.kind, 'answer');
  });

  test('one address over its burst limit across conversations gets 429; other addresses do not', async () => {
    const address = shopperAddress();
    let results;
    for (let attempt = 0; attempt < 3; attempt++) {
      const start = await startOfWindow();
      results = await Promise.all(Array.from({ length: LIMITS.perAddress + 1 }, () => chat(worker.base, { text: ANSWERABLE }, { 'cf-connecting-ip': address })));
      if (Date.now() - start < BURST_WINDOW_MS - 500) break;
    }
    const ok = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429);
    assert.equal(ok, LIMITS.perAddress, results.map((r) => r.status).join());
    assert.equal(limited.length, 1);
    assertError(limited[0], 429, 'rate_limited');
    const elsewhere = await chat(worker.base, { text: ANSWERABLE });
    assert.equal(elsewhere.status, 200);
  });

  test('the handoff cap is exact under concurrent requests, and a retry of an accepted one passes', async () => {
    const address = shopperAddress();
    const tries = LIMITS.handoffs + 4;
    const results = await Promise.all(Array.from({ length: tries }, (_, i) =>
      chat(worker.base, { text: `${HANDOFF} (${i})` }, { 'cf-connecting-ip': address })));
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    assert.equal(accepted.length, LIMITS.handoffs, results.map((r) => `${r.status}:${r.json?.error?.code ?? r.json?.reply?.kind}`).join());
    assert.equal(refused.length, tries - LIMITS.handoffs);
    for (const r of accepted) assert.equal(r.json.reply.kind, 'handoff');
    for (const r of refused) {
      assertError(r, 429, 'handoff_limit');
      const wait = Number(r.headers.get('retry-after'));
      assert.ok(wait > LIMITS.windowHours * 3600 - 120 && wait <= LIMITS.windowHours * 3600, `Retry-After ${wait}`);
    }
    // Exactly the accepted ones were stored and delivered.
    const ids = accepted.map((r) => `'${r.request.conversation_id}'`).join(',');
    const refusedIds = refused.map((r) => `'${r.request.conversation_id}'`).join(',');
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id IN (${ids})`)[0].n, LIMITS.handoffs);
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id IN (${refusedIds})`)[0].n, 0);
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM messages WHERE conversation_id IN (${refusedIds})`)[0].n, 0, 'nothing recorded for a refused message');
    await eventually(() => accepted.every((r) => receiver.received.some((x) => x.body?.ticket === r.json.reply.ticket)), 20000, 'the accepted handoffs to arrive');

    // A retry of an accepted message returns its reply; answers still flow for this address.
    const first = accepted[0];
    const retry = await chat(worker.base, first.request, { 'cf-connecting-ip': address });
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.json, first.json);
    const answer = await chat(worker.base, { text: ANSWERABLE }, { 'cf-connecting-ip': address });
    assert.equal(answer.status, 200);
    assert.equal(answer.json.reply.kind, 'answer');
    // One more handoff from here is refused; from another address it is accepted.
    assertError(await chat(worker.base, { text: HANDOFF }, { 'cf-connecting-ip': address }), 429, 'handoff_limit');
    const elsewhere = await chat(worker.base, { text: HANDOFF });
    assert.equal(elsewhere.status, 200);
    assert.equal(elsewhere.json.reply.kind, 'handoff');
  });

  test('an IPv6 client is counted by its /64', async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 65535).toString(16)}:1`;
    const results = await Promise.all(Array.from({ length: LIMITS.handoffs + 1 }, (_, i) =>
      chat(worker.base, { text: `${HANDOFF} [v6 ${i}]` }, { 'cf-connecting-ip': `${prefix}::${(i + 1).toString(16)}` })));
    assert.equal(results.filter((r) => r.status === 200).length, LIMITS.handoffs, results.map((r) => r.status).join());
    assertError(results.find((r) => r.status !== 200), 429, 'handoff_limit');
  });

  test('/healthz reports every limit binding present', async () => {
    const res = await raw(worker.base, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.json.limits, 'ok');
  });
});

const SITE_KEY = '1x00000000000000000000AA';
const SECRET = '1x0000000000000000000000000000000AA';

describe('edge guard: Turnstile before handoffs', () => {
  let receiver;
  let verify;
  let worker;

  before(async () => {
    receiver = await startReceiver();
    verify = await startSiteverify({ secret: SECRET, strict: false });
    worker = await startWorker({
      webhookUrl: receiver.url,
      vars: { TURNSTILE_SITE_KEY: SITE_KEY, TURNSTILE_SECRET: SECRET, TURNSTILE_VERIFY_URL: verify.url },
    });
  });
  after(async () => {
    await worker?.stop();
    await verify?.close();
    await receiver?.close();
  });

  test('the widget config carries the site key', async () => {
    const res = await raw(worker.base, '/v1/config?site=demo');
    assert.equal(res.json.turnstile_site_key, SITE_KEY);
  });

  test('answers need no challenge; a handoff without a token is 403 challenge_required', async () => {
    const answer = await chat(worker.base, { text: ANSWERABLE });
    assert.equal(answer.status, 200);
    assert.equal(answer.json.reply.kind, 'answer');
    const before = verify.verifications.length;
    const res = await chat(worker.base, { text: HANDOFF });
    assertError(res, 403, 'challenge_required');
    assert.match(res.json.error.message, /turnstile_token/);
    assert.equal(verify.verifications.length, before, 'nothing to verify');
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = '${res.request.conversation_id}'`)[0].n, 0);
  });

  test('a valid token is accepted once: the same message retried passes, a replay on another is refused', async () => {
    const token = verify.issue();
    const address = shopperAddress();
    const res = await chat(worker.base, { text: HANDOFF, turnstile_token: token }, { 'cf-connecting-ip': address });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.reply.kind, 'handoff');
    const call = verify.verifications.at(-1);
    assert.equal(call.token, token);
    assert.equal(call.secret, SECRET, 'the secret comes from the Worker secret the site file names');
    assert.equal(call.remoteip, address);
    await receiver.waitFor((r) => r.body?.ticket === res.json.reply.ticket);

    // The widget retrying the same message (same ids) gets the same reply, no new check.
    const calls = verify.verifications.length;
    const retry = await chat(worker.base, res.request);
    assert.deepEqual(retry.json, res.json);
    assert.equal(verify.verifications.length, calls);

    // The token on another message: refused by Ferry itself, though this stub would accept it.
    const replay = await chat(worker.base, { text: `${HANDOFF} again`, turnstile_token: token });
    assertError(replay, 403, 'challenge_failed');
    assert.match(replay.json.error.message, /used before/);
    assert.equal(verify.verifications.length, calls, 'a replay is refused before siteverify is asked');
  });

  test('a token siteverify rejects is 403 challenge_failed with its reason; nothing is stored', async () => {
    const res = await chat(worker.base, { text: HANDOFF, turnstile_token: 'forged-token' });
    assertError(res, 403, 'challenge_failed');
    assert.match(res.json.error.message, /invalid-input-response/);
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = '${res.request.conversation_id}'`)[0].n, 0);
    // Cloudflare's own duplicate answer is passed on the same way.
    verify.strict = true;
    const token = verify.issue();
    const first = await chat(worker.base, { text: HANDOFF, turnstile_token: token });
    assert.equal(first.status, 200);
    const stored = worker.query('SELECT COUNT(*) AS n FROM turnstile_tokens')[0].n;
    assert.ok(stored >= 2, 'spent tokens are remembered (as digests)');
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM turnstile_tokens WHERE digest = '${token}'`)[0].n, 0, 'never the token itself');
    verify.strict = false;
  });

  test('an empty or oversized token is a 400 naming the field', async () => {
    const empty = await chat(worker.base, { text: HANDOFF, turnstile_token: '' });
    assertError(empty, 400, 'bad_request');
    assert.match(empty.json.error.message, /turnstile_token/);
    const long = await chat(worker.base, { text: HANDOFF, turnstile_token: 'x'.repeat(2049) });
    assertError(long, 400, 'bad_request');
  });
});
