// The Worker in workerd (wrangler dev), with local D1 and Queues, against a real receiver on
// 127.0.0.1: every route, every error code, and a handoff's trip through the queue.
//
// Expected replies are not written into this file: they come from the `ferry` CLI (the same
// router code, run natively) and from the site file itself.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chat, eventually, ROOT, startReceiver, startWorker } from './harness.mjs';

const SITE_FILE = path.join(ROOT, 'edge/sites/demo.toml');
// A throwaway signing key for this test run (Standard Webhooks `whsec_` + base64).
const SECRET = `whsec_${Buffer.from(Array.from({ length: 24 }, (_, i) => (i * 37 + 11) % 256)).toString('base64')}`;

/// Verifies a delivery the way a receiver would, independently of the Rust code.
function assertSigned(hit) {
  const id = hit.headers['webhook-id'];
  const ts = hit.headers['webhook-timestamp'];
  assert.ok(id && ts, 'webhook-id and webhook-timestamp are present');
  assert.ok(Math.abs(Date.now() / 1000 - Number(ts)) < 300, 'timestamp within 5 minutes');
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${hit.text}`).digest();
  const sigs = hit.headers['webhook-signature'].split(' ').filter((s) => s.startsWith('v1,'));
  assert.ok(sigs.some((s) => {
    const got = Buffer.from(s.slice(3), 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  }), `a v1 signature matches: ${hit.headers['webhook-signature']}`);
}

/// What `ferry route` decides for these inputs (JSON lines in, JSON lines out).
function ferryRoute(inputs) {
  const out = spawnSync('cargo', ['run', '--quiet', '-p', 'ferry-cli', '--', 'route', SITE_FILE], {
    cwd: ROOT, input: inputs.map((i) => JSON.stringify(i)).join('\n'), encoding: 'utf8',
  });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

function assertError(res, status, code, mentions) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.error.code, code);
  assert.equal(typeof res.json.error.message, 'string');
  if (mentions) assert.match(res.json.error.message, mentions);
  assert.doesNotMatch(res.json.error.message, /panicked|RuntimeError|at .*\.rs|wasm-function/);
}

async function raw(base, pathname, init) {
  const res = await fetch(`${base}${pathname}`, init);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

describe('worker in workerd', () => {
  let receiver;
  let worker;

  before(async () => {
    // The receiver fails the first two deliveries of a handoff whose question says "[fail2]"
    // with a 500, then accepts; everything else is accepted at once.
    receiver = await startReceiver((entry) => {
      if (!entry.body?.question?.includes('[fail2]')) return { status: 200 };
      const seen = receiver.received.filter((r) => r.body?.id === entry.body.id).length;
      return { status: seen <= 2 ? 500 : 200 };
    });
    worker = await startWorker({ webhookUrl: receiver.url, vars: { WEBHOOK_SECRET: SECRET } });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
  });

  test('GET /healthz reports the bundled sites and a working D1', async () => {
    const res = await raw(worker.base, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.json.ok, true);
    assert.equal(res.json.d1, 'ok');
    assert.deepEqual(res.json.sites, ['demo']);
  });

  test('GET /v1/config returns what the widget needs, from the site file', async () => {
    const toml = readFileSync(SITE_FILE, 'utf8');
    const name = toml.match(/^name = "(.*)"$/m)[1];
    const brand = toml.match(/^brand_color = "(.*)"$/m)[1];
    const languages = JSON.parse(toml.match(/^languages = (\[.*\])$/m)[1]);
    const res = await raw(worker.base, '/v1/config?site=demo');
    assert.equal(res.status, 200);
    assert.equal(res.json.v, 1);
    assert.equal(res.json.shop_name, name);
    assert.equal(res.json.colors.brand, brand);
    assert.deepEqual(res.json.languages, languages);
    assert.ok(res.json.greeting[languages[0]], 'greeting in the default language');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
    // Whether a person is at the inbox, as of this request ([hours] and [handoff]).
    const status = res.json.status;
    assert.equal(typeof status?.open, 'boolean', JSON.stringify(res.json));
    assert.equal(typeof status.reply_within_hours, 'number');
    assert.equal(status.reply_within_hours, Number(toml.match(/^reply_within_hours = (\d+)$/m)[1]));
    if (status.open) {
      assert.equal(status.away, undefined);
    } else {
      assert.ok(['closed', 'holiday'].includes(status.away.reason), JSON.stringify(status));
      assert.ok(status.away.opens_at > Date.now() - 60_000, 'opens in the future');
    }
    // The hosts answer links may point to: those of the file's links, sorted, no duplicates.
    assert.ok(Array.isArray(res.json.link_hosts));
    assert.ok(res.json.link_hosts.includes('kestrel.example'), JSON.stringify(res.json.link_hosts));
    assert.deepEqual(res.json.link_hosts, [...new Set(res.json.link_hosts)].sort());
  });

  test('GET /v1/config errors: missing site is 400, unknown site is 404', async () => {
    assertError(await raw(worker.base, '/v1/config'), 400, 'bad_request', /`site`/);
    assertError(await raw(worker.base, '/v1/config?site=nope'), 404, 'unknown_site', /nope/);
  });

  test('POST /v1/chat answers from the rules, as ferry route does, in the shopper language', async () => {
    // The shopper's country is given: otherwise the Worker takes it from Cloudflare's geo data,
    // which local runs fill with a placeholder location.
    const inputs = [
      { text: 'how long does shipping to Germany take?', country: 'FR' },
      { text: 'quanto tempo demora a entrega para o Brasil?', locale: 'pt-BR', country: 'BR' },
      { text: 'Sind Zollgebühren im Preis enthalten?', locale: 'de-DE', country: 'DE' },
    ];
    const expected = ferryRoute(inputs);
    for (const [i, input] of inputs.entries()) {
      const res = await chat(worker.base, input);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.v, 1);
      assert.equal(res.json.client_message_id, res.request.client_message_id);
      const reply = res.json.reply;
      assert.equal(reply.kind, 'answer', `${input.text}: ${JSON.stringify(reply)}`);
      assert.equal(reply.kind, expected[i].kind);
      assert.equal(reply.rule, expected[i].rule);
      assert.equal(reply.topic, expected[i].topic);
      assert.equal(reply.language, expected[i].reply_language);
      assert.equal(reply.shopper_language, expected[i].language);
      assert.equal(reply.text, expected[i].text);
    }
  });

  test('the conversation is context: a country named earlier fills the next question, as ferry route does', async () => {
    const conversation_id = `ctx${Math.random().toString(36).slice(2, 10)}`;
    const first = await chat(worker.base, {
      conversation_id, text: '¿cuánto tarda el envío a México?', locale: 'es-US', country: 'US',
    });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    const [expectedFirst] = ferryRoute([{ text: first.request.text, locale: 'es-US', country: 'US' }]);
    assert.deepEqual(first.json.context, expectedFirst.context);
    assert.ok(first.json.context?.country, `the reply names the country: ${JSON.stringify(first.json)}`);
    // The widget sends the context back; the visitor's location (US) does not win over it.
    const text = '¿los aranceles están incluidos?';
    const next = await chat(worker.base, {
      conversation_id, text, locale: 'es-US', country: 'US', context: first.json.context,
    });
    assert.equal(next.status, 200, JSON.stringify(next.json));
    const [withContext, without] = ferryRoute([
      { text, locale: 'es-US', country: 'US', context: first.json.context },
      { text, locale: 'es-US', country: 'US' },
    ]);
    assert.equal(next.json.reply.rule, withContext.rule);
    assert.equal(next.json.reply.text, withContext.text);
    assert.notEqual(next.json.reply.text, without.text, 'the context changed the answer');
    // A malformed context is refused and named.
    assertError(await chat(worker.base, { text, context: { country: 'Mexico' } }), 400, 'bad_request', /context\.country/);
  });

  test('the handoff carries the shopper\'s language, not the reply\'s; small talk makes no ticket', async () => {
    // Greek is not an answer language of the demo shop: the reply is English, the tag Greek.
    const text = 'το δέμα μου χάθηκε και κανείς δεν απαντά, μπορείτε να το ελέγξετε;';
    const res = await chat(worker.base, { text });
    const reply = res.json.reply;
    assert.equal(reply.kind, 'handoff', JSON.stringify(reply));
    assert.equal(reply.language, 'en');
    assert.equal(reply.shopper_language, 'el');
    const [expected] = ferryRoute([{ text }]);
    assert.deepEqual([expected.language, expected.reply_language], ['el', 'en']);
    const hit = await receiver.waitFor((r) => r.body?.ticket === reply.ticket);
    assert.equal(hit.body.language.code, 'el');
    assert.equal(worker.query(`SELECT language FROM handoffs WHERE ticket = '${reply.ticket}'`)[0].language, 'el');

    const before = worker.query('SELECT COUNT(*) AS n FROM handoffs')[0].n;
    for (const hello of ['holaaa buenas tardes', 'thx 👍', 'is anyone there?', '안녕하세요~']) {
      const r = await chat(worker.base, { text: hello });
      assert.equal(r.json.reply.kind, 'answer', `${hello}: ${JSON.stringify(r.json.reply)}`);
      assert.match(r.json.reply.rule, /^smalltalk:/);
    }
    assert.equal(worker.query('SELECT COUNT(*) AS n FROM handoffs')[0].n, before, 'no ticket for small talk');
  });

  test('a legal threat is urgent, vetoes the refund answer and gets the legal reply', async () => {
    const res = await chat(worker.base, { text: 'where is my refund?? I am opening a PayPal dispute today', locale: 'en-US' });
    const reply = res.json.reply;
    assert.equal(reply.kind, 'handoff', JSON.stringify(reply));
    assert.equal(reply.urgency, 'urgent');
    assert.equal(reply.topic, 'legal');
    const legal = readFileSync(SITE_FILE, 'utf8').match(/\[handoff\.legal_reply\]\nen = "([^"{]*)/)[1];
    assert.ok(reply.text.startsWith(legal), reply.text);
    const hit = await receiver.waitFor((r) => r.body?.ticket === reply.ticket);
    assert.ok(hit.body.urgency.reasons.includes('legal:dispute'), JSON.stringify(hit.body.urgency));
  });

  test('malformed requests are 400 and name the field', async () => {
    const post = (body) => raw(worker.base, '/v1/chat', { method: 'POST', body });
    assertError(await post('{"site": "demo", '), 400, 'bad_request', /malformed JSON/);
    assertError(await post(''), 400, 'bad_request', /empty body/);
    assertError(await post(JSON.stringify({ site: 'demo', conversation_id: 'c', client_message_id: 'm', text: 5 })), 400, 'bad_request', /`text`/);
    assertError(await post(JSON.stringify({ site: 'demo', conversation_id: 'c', text: 'hi' })), 400, 'bad_request', /client_message_id/);
    assertError((await chat(worker.base, { conversation_id: 'has space' })), 400, 'bad_request', /conversation_id/);
    assertError((await chat(worker.base, { text: '   ' })), 400, 'bad_request', /`text`/);
    assertError((await chat(worker.base, { v: 9 })), 400, 'bad_request', /`v`/);
  });

  test('over the limits is 413: a body over 16 KB, a text over 2,000 characters', async () => {
    const big = JSON.stringify({ site: 'demo', conversation_id: 'c', client_message_id: 'm', text: 'x'.repeat(17 * 1024) });
    assertError(await raw(worker.base, '/v1/chat', { method: 'POST', body: big }), 413, 'too_large', /16384 bytes/);
    // 2,001 characters in under 16 KB of body: the character limit, not the byte limit.
    assertError(await chat(worker.base, { text: 'é'.repeat(2001) }), 413, 'too_large', /`text`.*2001 characters/);
    const ok = await chat(worker.base, { text: 'é'.repeat(2000) });
    assert.equal(ok.status, 200);
  });

  test('unknown site is 404; wrong methods are 405 with Allow; unknown paths are 404 JSON', async () => {
    assertError(await chat(worker.base, { site: 'other-shop' }), 404, 'unknown_site', /other-shop/);
    const get = await raw(worker.base, '/v1/chat');
    assertError(get, 405, 'method_not_allowed');
    assert.equal(get.headers.get('allow'), 'POST');
    const put = await raw(worker.base, '/healthz', { method: 'PUT' });
    assertError(put, 405, 'method_not_allowed');
    assert.equal(put.headers.get('allow'), 'GET, HEAD');
    assertError(await raw(worker.base, '/v2/nothing-here'), 404, 'not_found', /v2\/nothing-here/);
  });

  test('a question the rules do not cover is handed off: queue, webhook, D1 row', async () => {
    const text = 'Can I order 200 shirts for my boutique in Lisbon at a wholesale price?';
    const res = await chat(worker.base, { text, locale: 'en-GB', time_zone: 'Europe/Lisbon' });
    assert.equal(res.status, 200);
    const reply = res.json.reply;
    assert.equal(reply.kind, 'handoff');
    assert.match(reply.ticket, /^FRY-[2-9A-Z]{8}$/);
    assert.equal(reply.language, 'en');
    assert.ok(reply.reply_by > Date.now(), 'reply-by is in the future');

    const hit = await receiver.waitFor((r) => r.body?.ticket === reply.ticket);
    assert.equal(hit.method, 'POST');
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.equal(hit.headers['webhook-id'], hit.body.id);
    assertSigned(hit);
    assert.equal(hit.body.v, 1);
    assert.equal(hit.body.site, 'demo');
    assert.equal(hit.body.question, text);
    assert.equal(hit.body.language.code, 'en');
    assert.ok(['text', 'locale', 'script', 'default'].includes(hit.body.language.source));
    assert.equal(hit.body.urgency.level, 'normal');
    assert.equal(hit.body.time_zone, 'Europe/Lisbon');
    assert.equal(hit.body.conversation_id, res.request.conversation_id);

    const rows = await eventually(() => {
      const r = worker.query(`SELECT ticket, status, attempts, language, urgency FROM handoffs WHERE ticket = '${reply.ticket}'`);
      return r.length === 1 && r[0].status === 'delivered' ? r : null;
    }, 20000, 'the handoff row to show delivered');
    assert.deepEqual(rows[0], { ticket: reply.ticket, status: 'delivered', attempts: 1, language: 'en', urgency: 'normal' });
    const messages = worker.query(`SELECT role FROM messages WHERE conversation_id = '${res.request.conversation_id}' ORDER BY id`);
    assert.deepEqual(messages.map((m) => m.role), ['shopper', 'bot']);
  });

  test('a retried message (same client_message_id) gets the same ticket and one delivery', async () => {
    const overrides = { conversation_id: 'dedup-conv', client_message_id: 'dedup-msg', text: 'The linen shirt I received has a torn seam, I would like a replacement' };
    const first = await chat(worker.base, overrides);
    const second = await chat(worker.base, overrides);
    assert.equal(first.json.reply.kind, 'handoff');
    assert.deepEqual(second.json, first.json);
    await receiver.waitFor((r) => r.body?.ticket === first.json.reply.ticket);
    await new Promise((r) => setTimeout(r, 3000)); // a second delivery would arrive by now
    // One handoff: every delivery of it carries the same webhook-id.
    const ids = receiver.received.filter((r) => r.body?.ticket === first.json.reply.ticket).map((r) => r.headers['webhook-id']);
    assert.equal(new Set(ids).size, 1);
    assert.equal(worker.query("SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = 'dedup-conv'")[0].n, 1);
  });

  test('an answer awaits no storage, a handoff the documented round trips; a retry gets the same reply', async () => {
    // The documented numbers (ARCHITECTURE.md, "What a request awaits"), counted by the Worker
    // where it awaits D1, the Queue or the Durable Object (`ferry-storage-awaits`).
    const documented = Object.fromEntries(
      [...readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8').matchAll(/^\| ([a-z ,]+) \| (\d+) \|/gm)]
        .map((m) => [m[1].trim(), Number(m[2])]),
    );
    for (const path of ['answer', 'new handoff', 'retried handoff']) {
      assert.equal(typeof documented[path], 'number', `ARCHITECTURE.md documents "${path}": ${JSON.stringify(documented)}`);
    }
    const awaits = (res) => Number(res.headers.get('ferry-storage-awaits'));
    const conversation_id = `aw${Math.random().toString(36).slice(2, 10)}`;
    const question = { conversation_id, client_message_id: 'q1', text: 'how long does shipping to Germany take?', country: 'FR' };
    const answer = await chat(worker.base, question);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.json.reply.kind, 'answer');
    assert.equal(awaits(answer), documented.answer);
    // A retry is routed again and gets the very same response, still without storage.
    const again = await chat(worker.base, question);
    assert.deepEqual(again.json, answer.json);
    assert.equal(awaits(again), documented.answer);
    // The exchange is recorded after the response, once.
    const rows = await eventually(() => {
      const r = worker.query(`SELECT role, reply_json FROM messages WHERE conversation_id = '${conversation_id}' ORDER BY id`);
      return r.length === 2 ? r : null;
    }, 10000, 'the answered exchange to be recorded');
    assert.deepEqual(rows.map((r) => r.role), ['shopper', 'bot']);
    assert.deepEqual(JSON.parse(rows[0].reply_json), answer.json.reply);

    // A handoff awaits storage and the queue before the shopper hears of it.
    const ask = { conversation_id, client_message_id: 'q2', text: 'can you engrave my initials on the headphones?', locale: 'en-US' };
    const first = await chat(worker.base, ask);
    assert.equal(first.json.reply.kind, 'handoff', JSON.stringify(first.json));
    assert.equal(awaits(first), documented['new handoff']);
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM handoffs WHERE ticket = '${first.json.reply.ticket}'`)[0].n, 1);
    const retried = await chat(worker.base, ask);
    assert.deepEqual(retried.json, first.json);
    assert.equal(awaits(retried), documented['retried handoff']);
    // The transcript the agent gets holds the answered exchange, read from D1.
    const hit = await receiver.waitFor((r) => r.body?.ticket === first.json.reply.ticket);
    assert.ok(hit.body.transcript.some((line) => line.text === question.text), JSON.stringify(hit.body.transcript));
    // Earlier handoffs come from D1 too: a second one in the conversation is repeated contact.
    const second = await chat(worker.base, { conversation_id, client_message_id: 'q3', text: 'can you gift wrap two of the shirts separately?', locale: 'en-US' });
    assert.equal(second.json.reply.kind, 'handoff', JSON.stringify(second.json));
    const repeat = await receiver.waitFor((r) => r.body?.ticket === second.json.reply.ticket);
    assert.ok(repeat.body.urgency.reasons.includes('high:repeated_contact'), JSON.stringify(repeat.body.urgency));
    assert.ok(!hit.body.urgency.reasons.includes('high:repeated_contact'), JSON.stringify(hit.body.urgency));
  });

  test('a safety incident is an urgent handoff with the safety intake reply', async () => {
    const res = await chat(worker.base, { text: 'My power bank started smoking while charging last night', locale: 'en-US' });
    const reply = res.json.reply;
    assert.equal(reply.kind, 'handoff');
    assert.equal(reply.urgency, 'urgent');
    assert.equal(reply.topic, 'safety');
    const [expected] = ferryRoute([{ text: res.request.text, locale: 'en-US' }]);
    assert.equal(reply.text, expected.text);
    const hit = await receiver.waitFor((r) => r.body?.ticket === reply.ticket);
    assert.equal(hit.body.urgency.level, 'urgent');
    assert.ok(hit.body.urgency.reasons.includes('safety:smoke'), JSON.stringify(hit.body.urgency));
  });

  test('a failed webhook delivery is retried until it succeeds, same webhook-id', async () => {
    const res = await chat(worker.base, { text: 'My parcel finally came but the box was crushed and the headphones are broken [fail2]' });
    const ticket = res.json.reply.ticket;
    const rows = await eventually(() => {
      const r = worker.query(`SELECT status, attempts FROM handoffs WHERE ticket = '${ticket}'`);
      return r[0]?.status === 'delivered' ? r : null;
    }, 60000, 'delivery after retries');
    assert.equal(rows[0].attempts, 3);
    // Up to the first accepted one: delivery is at least once (see delivery.test.mjs).
    const all = receiver.received.filter((r) => r.body?.ticket === ticket);
    const posts = all.slice(0, all.findIndex((r) => r.answer?.status === 200) + 1);
    assert.equal(posts.length, 3);
    assert.equal(new Set(posts.map((p) => p.headers['webhook-id'])).size, 1);
  });

  test('card numbers are masked before they are stored or sent', async () => {
    const text = 'I was charged twice on my card 4242 4242 4242 4242, please refund one';
    const res = await chat(worker.base, { text });
    assert.equal(res.json.reply.kind, 'handoff');
    const hit = await receiver.waitFor((r) => r.body?.ticket === res.json.reply.ticket);
    assertSigned(hit);
    assert.doesNotMatch(hit.text, /4242 4242 4242/);
    assert.match(hit.body.question, /•••• •••• •••• 4242/);
    const stored = worker.query(`SELECT text FROM messages WHERE conversation_id = '${res.request.conversation_id}' AND role = 'shopper'`);
    assert.equal(stored.length, 1);
    assert.doesNotMatch(stored[0].text, /4242 4242 4242/);
    const payload = worker.query(`SELECT payload_json FROM handoffs WHERE ticket = '${res.json.reply.ticket}'`)[0].payload_json;
    assert.doesNotMatch(payload, /4242 4242 4242/);
    // An order number that fails the Luhn check is left alone.
    const order = await chat(worker.base, { text: 'my order 1234 5678 9012 3456 arrived with a torn box' });
    const orderHit = await receiver.waitFor((r) => r.body?.ticket === order.json.reply.ticket);
    assert.match(orderHit.body.question, /1234 5678 9012 3456/);
  });

  test('static assets: the storefront carries the one tag; loader and widget bundle are served', async () => {
    const page = await raw(worker.base, '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /text\/html/);
    assert.match(page.text, /<script src="\/ferry\.js" data-site="demo" async><\/script>/);
    const loader = await raw(worker.base, '/ferry.js');
    assert.equal(loader.status, 200);
    assert.match(loader.headers.get('content-type'), /javascript/);
    const version = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)[1];
    assert.ok(loader.text.includes(`widget/${version}/`), 'the loader points at the versioned bundle');
    const wasm = await fetch(`${worker.base}/widget/${version}/ferry_widget_bg.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    const bytes = new Uint8Array(await wasm.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  });

  test('security headers on every response; the widget bundle loads cross-origin', async () => {
    const version = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)[1];
    const glue = `/widget/${version}/ferry_widget.js`;
    const wasm = `/widget/${version}/ferry_widget_bg.wasm`;
    // Pages and files (www/_headers), the Worker's JSON, its errors: no sniffing, no framing.
    const headersOf = async (url, init) => {
      const res = await fetch(`${worker.base}${url}`, init);
      await res.arrayBuffer();
      return res.headers;
    };
    for (const [what, headers] of [
      ['storefront page', await headersOf('/')],
      ['about page', await headersOf('/about.html')],
      ['loader', await headersOf('/ferry.js')],
      ['wasm', await headersOf(wasm)],
      ['config', await headersOf('/v1/config?site=demo')],
      ['health', await headersOf('/healthz')],
      ['chat answer', (await chat(worker.base, { text: 'how long does shipping to Germany take?' })).headers],
      ['bad request', await headersOf('/v1/chat', { method: 'POST', body: '{' })],
      ['unknown path', await headersOf('/v1/nope')],
    ]) {
      assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
      assert.equal(headers.get('content-security-policy'), "frame-ancestors 'none'", `${what}: frame-ancestors`);
    }
    // A storefront elsewhere imports the glue as a module and fetches the wasm: both are CORS
    // requests, and the public, versioned bundle allows any origin (never with credentials).
    for (const file of ['/ferry.js', glue, wasm]) {
      const res = await fetch(`${worker.base}${file}`, { headers: { origin: 'https://shop.example' } });
      await res.arrayBuffer();
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('access-control-allow-origin'), '*', `${file}: CORS`);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, `${file}: no credentials`);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin', `${file}: CORP`);
    }
    // The demo store's own pages are not shared with other origins.
    const page = await fetch(`${worker.base}/`, { headers: { origin: 'https://shop.example' } });
    await page.arrayBuffer();
    assert.equal(page.headers.get('access-control-allow-origin'), null);
    const rules = await fetch(`${worker.base}/_headers`);
    await rules.arrayBuffer();
    assert.equal(rules.status, 404, 'the headers file itself is not served');
  });
  test('ferry report reads this local D1 as wrangler d1 export writes it', async () => {
    // Make sure there is at least one answer and one handoff, then export what the suite stored.
    const answered = await chat(worker.base, { text: 'how long does shipping to Germany take?', country: 'FR' });
    await chat(worker.base, { text: 'can you engrave my initials on the headphones?', locale: 'en-US' });
    // An answer is recorded after its response (`wait_until`).
    await eventually(() => worker.query(`SELECT COUNT(*) AS n FROM messages WHERE conversation_id = '${answered.request.conversation_id}'`)[0].n === 2,
      10000, 'the answer to be recorded');
    const file = path.join(worker.state, 'export.sql');
    worker.exportD1(file);
    const out = spawnSync('cargo', ['run', '--quiet', '-p', 'ferry-cli', '--', 'report', '--site', SITE_FILE, '--json', file], {
      cwd: ROOT, encoding: 'utf8',
    });
    assert.equal(out.status, 0, out.stderr);
    const report = JSON.parse(out.stdout);
    // Counted independently, from the same D1.
    const [{ n: shopper }] = worker.query("SELECT COUNT(*) AS n FROM messages WHERE role = 'shopper'");
    const [{ n: handoffs }] = worker.query('SELECT COUNT(*) AS n FROM handoffs');
    assert.equal(report.summary.messages + report.left_out.unreadable_lines.length, shopper, out.stdout.slice(0, 400));
    assert.ok(report.summary.answered >= 1 && report.summary.handed_off >= 1, out.stdout.slice(0, 400));
    assert.equal(report.summary.handed_off + report.handoffs_without_message, handoffs);
  });
});
