// Handoff delivery in workerd (wrangler dev, local D1 and Queues) against a real receiver on
// 127.0.0.1 that misbehaves on purpose: 500s, 429 with Retry-After, 410, hanging past the
// timeout, resetting the connection, never succeeding. Also routing to destinations (JSON and
// Slack), contact capture, repeated contact, the away notice and retention.
//
// A handoff picks its receiver behaviour with a marker in its question, `[500x2]` (fail twice
// with 500, then 200), `[429x1]`, `[410x1]`, `[hangx1]`, `[resetx2]`, `[500x99]`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chat, eventually, ROOT, startReceiver, startWorker } from './harness.mjs';

const SITE_FILE = path.join(ROOT, 'edge/sites/demo.toml');
const TIMEOUT_MS = 1500;
const RETRY_AFTER_S = 3;

/// What the receiver does with attempt `n` (1-based) of a delivery marked `[kindxN]`.
function scenario(entry, n) {
  const m = entry.body?.question?.match(/\[(500|429|410|hang|reset)x(\d+)\]/);
  if (!m || n > Number(m[2])) return { status: 200 };
  switch (m[1]) {
    case '500': return { status: 500 };
    case '429': return { status: 429, headers: { 'retry-after': String(RETRY_AFTER_S) } };
    case '410': return { status: 410 };
    case 'hang': return { hang: TIMEOUT_MS * 3 };
    default: return { reset: true };
  }
}

describe('handoff delivery', () => {
  let receiver;
  let worker;
  // The attempts a receiver sees for a webhook id, up to the first one it accepted. Delivery
  // is at least once: if D1 is busy right after a successful POST (the test's own queries
  // open the same local database), the queue redelivers and the receiver sees the same
  // webhook-id again, which Standard Webhooks receivers deduplicate.
  const attemptsOf = (id) => {
    const all = receiver.received.filter((r) => r.headers['webhook-id'] === id);
    const ok = all.findIndex((r) => r.answer?.status >= 200 && r.answer?.status < 300);
    return ok === -1 ? all : all.slice(0, ok + 1);
  };

  before(async () => {
    receiver = await startReceiver((entry) => {
      const n = receiver.received.filter((r) => r.headers['webhook-id'] === entry.headers['webhook-id']).length;
      return scenario(entry, n);
    });
    worker = await startWorker({
      webhookUrl: receiver.url,
      vars: { DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), DELIVERY_RETRY_SCHEDULE: '1s,1s,1s' },
    });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
  });

  /// Sends a question (with an email, so nothing waits for one) and returns the reply.
  async function handoff(text, extra = {}) {
    const res = await chat(worker.base, { text, contact: { email: 'shopper@example.com' }, ...extra });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.reply.kind, 'handoff', JSON.stringify(res.json.reply));
    return { ...res.json.reply, conversation_id: res.request.conversation_id };
  }

  function handoffRow(ticket) {
    return worker.query(`SELECT id, status, attempts, last_error FROM handoffs WHERE ticket = '${ticket}'`)[0];
  }

  function events(id) {
    return worker.query(`SELECT destination, attempt, event, http_status, error, delay_ms FROM delivery_events WHERE handoff_id = '${id}' ORDER BY id`);
  }

  async function settled(ticket, status, ms = 30000) {
    return eventually(() => {
      const row = handoffRow(ticket);
      return row?.status === status ? row : null;
    }, ms, `handoff ${ticket} to be ${status}`);
  }

  test('500 twice, then 200: delivered on the third attempt with the same webhook-id', async () => {
    const reply = await handoff('My parcel is lost, please check [500x2]');
    const row = await settled(reply.ticket, 'delivered');
    const posts = attemptsOf(row.id);
    assert.equal(posts.length, 3);
    assert.deepEqual(posts.map((p) => p.answer.status), [500, 500, 200]);
    assert.equal(row.attempts, 3);
    // The events of attempts that reached the receiver, in order.
    assert.deepEqual(events(row.id).filter((e) => e.http_status !== null).map((e) => [e.event, e.http_status]),
      [['retry', 500], ['retry', 500], ['delivered', 200]]);
  });

  test('429 with Retry-After: the next attempt waits as long as the receiver asked', async () => {
    const reply = await handoff('My parcel is lost, please check [429x1]');
    const row = await settled(reply.ticket, 'delivered');
    const posts = attemptsOf(row.id);
    assert.equal(posts.length, 2);
    // The schedule alone would retry after about 1 s.
    assert.ok(posts[1].at - posts[0].at >= RETRY_AFTER_S * 1000 - 250, `gap ${posts[1].at - posts[0].at} ms`);
    // The retry after the 429 (an attempt that failed before reaching the receiver, which a
    // loaded machine occasionally sees, is retried on the schedule and listed too).
    const all = events(row.id);
    const retry = all.find((e) => e.event === 'retry' && e.http_status === 429);
    assert.ok(retry, JSON.stringify(all));
    assert.equal(retry.delay_ms, RETRY_AFTER_S * 1000);
  });

  test('410 Gone stops at once: one attempt, failed, no retry', async () => {
    const reply = await handoff('My parcel is lost, please check [410x1]');
    const row = await settled(reply.ticket, 'failed');
    assert.match(row.last_error, /HTTP 410/);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(attemptsOf(row.id).length, 1);
    assert.deepEqual(events(row.id).map((e) => e.event), ['gone']);
  });

  test('a receiver that hangs past the timeout counts as a failed attempt', async () => {
    const reply = await handoff('My parcel is lost, please check [hangx1]');
    const row = await settled(reply.ticket, 'delivered', 40000);
    const posts = attemptsOf(row.id);
    assert.ok(posts[0].answer.hang, 'the first attempt got no answer');
    assert.equal(posts.at(-1).answer.status, 200);
    const retry = events(row.id).find((e) => e.event === 'retry');
    assert.equal(retry.http_status, null);
    assert.match(retry.error, new RegExp(`no answer within ${TIMEOUT_MS} ms`));
  });

  test('a connection reset is retried', async () => {
    const reply = await handoff('My parcel is lost, please check [resetx2]');
    const row = await settled(reply.ticket, 'delivered');
    const posts = attemptsOf(row.id);
    assert.equal(posts.length, 3);
    assert.equal(new Set(posts.map((p) => p.headers['webhook-id'])).size, 1);
    assert.deepEqual(events(row.id).map((e) => e.event), ['retry', 'retry', 'delivered']);
  });

  test('a receiver that never succeeds: the schedule runs out, the dead-letter queue marks it failed', async () => {
    const reply = await handoff('My parcel is lost, please check [500x99]');
    const row = await settled(reply.ticket, 'failed', 60000);
    // The first attempt and one per delay of the 3-step schedule (more only if the queue
    // redelivered a message, see attemptsOf).
    assert.ok(attemptsOf(row.id).length >= 4);
    assert.match(row.last_error, /HTTP 500/);
    assert.equal(row.attempts, 4);
    assert.deepEqual(events(row.id).map((e) => e.event), ['retry', 'retry', 'retry', 'dead_lettered', 'failed']);
  });

  test('routes: urgent goes to on-call Slack and the helpdesk, wholesale to sales, Russian to the Russian team', async () => {
    const urgent = await handoff('My power bank caught fire <!channel> <https://evil.example|click>');
    assert.equal(urgent.urgency, 'urgent');
    const json = await receiver.waitFor((r) => r.body?.ticket === urgent.ticket);
    assert.equal(new URL(json.url, 'http://x').pathname, '/handoffs');
    const slack = await receiver.waitFor((r) => r.url === '/slack/oncall' && r.text.includes(urgent.ticket));
    assert.ok(Array.isArray(slack.body.blocks), 'Block Kit blocks');
    // Shopper text cannot ping the channel or make a link: Slack's &<> escaping.
    assert.ok(!slack.text.includes('<!channel>'), 'no raw <!channel>');
    assert.ok(slack.text.includes('&lt;!channel&gt;'), 'escaped mention');
    assert.ok(!slack.text.includes('<https://evil.example'), 'no raw link');

    const wholesale = await handoff('We run a boutique and would like to order 300 shirts at a wholesale price');
    assert.equal(wholesale.topic, 'wholesale');
    const sales = await receiver.waitFor((r) => r.body?.ticket === wholesale.ticket);
    assert.equal(sales.url, '/handoffs/sales');

    const ru = await handoff('Здравствуйте, посылка потерялась, помогите пожалуйста разобраться', { locale: 'ru-RU' });
    assert.equal(ru.language, 'ru');
    const team = await receiver.waitFor((r) => r.body?.ticket === ru.ticket);
    assert.equal(team.url, '/handoffs/ru');
    const rows = worker.query(`SELECT d.destination, d.status FROM deliveries d JOIN handoffs h ON h.id = d.handoff_id WHERE h.ticket = '${urgent.ticket}' ORDER BY d.destination`);
    await eventually(() => worker.query(`SELECT status FROM handoffs WHERE ticket = '${urgent.ticket}'`)[0]?.status === 'delivered', 20000, 'both destinations delivered');
    assert.deepEqual(rows.map((r) => r.destination), ['helpdesk', 'oncall-slack']);
  });

  test('contact capture: the handoff waits for the email, the API validates it, the delivery carries it', async () => {
    const res = await chat(worker.base, { text: 'My parcel is lost, please check what happened', locale: 'en-US' });
    const reply = res.json.reply;
    assert.equal(reply.kind, 'handoff');
    assert.equal(reply.ask_contact, true);
    assert.equal(reply.ask_order_number, true);
    const ask = readFileSync(SITE_FILE, 'utf8').match(/\[handoff\.ask_contact_reply\]\nen = "(.*)"/)[1];
    assert.ok(reply.text.endsWith(ask), reply.text);
    assert.equal(handoffRow(reply.ticket).status, 'awaiting_contact');

    const post = (body) => fetch(`${worker.base}/v1/contact`, { method: 'POST', body: JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, json: await r.json() }));
    const base = { site: 'demo', conversation_id: res.request.conversation_id, ticket: reply.ticket };
    const bad = await post({ ...base, contact: { email: 'not-an-email' } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /contact\.email/);
    const missing = await post({ ...base, contact: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error.message, /contact\.email/);
    const wrong = await post({ ...base, ticket: 'FRY-NOPE2345', contact: { email: 'ana@example.com' } });
    assert.equal(wrong.status, 404);

    const ok = await post({ ...base, contact: { email: 'ana@example.com', order_number: '#10423' } });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.ticket, reply.ticket);
    assert.match(ok.json.text, /Thank you/);
    const hit = await receiver.waitFor((r) => r.body?.ticket === reply.ticket);
    assert.equal(hit.body.contact.email, 'ana@example.com');
    assert.equal(hit.body.contact.order_number, '#10423');
  });

  test('/v1/contact masks a card number in every contact field before it is stored or sent', async () => {
    const res = await chat(worker.base, { text: 'My parcel is lost, please check what happened to it', locale: 'en-US' });
    const reply = res.json.reply;
    assert.equal(reply.kind, 'handoff');
    assert.equal(handoffRow(reply.ticket).status, 'awaiting_contact');
    const card = '4242 4242 4242 4242';
    const contact = { email: `ana+${card.replaceAll(' ', '')}@example.com`, name: `Ana ${card}`, order_number: `#${card}` };
    const ok = await fetch(`${worker.base}/v1/contact`, {
      method: 'POST',
      body: JSON.stringify({ site: 'demo', conversation_id: res.request.conversation_id, ticket: reply.ticket, contact }),
    });
    assert.equal(ok.status, 200, await ok.text());
    const hit = await receiver.waitFor((r) => r.body?.ticket === reply.ticket && r.body.contact?.email);
    const squeeze = (s) => s.replace(/[ -]/g, '');
    assert.doesNotMatch(squeeze(hit.text), /4242424242424242/, 'the delivery carries no card');
    assert.equal(hit.body.contact.name, 'Ana •••• •••• •••• 4242');
    assert.equal(hit.body.contact.order_number, '#•••• •••• •••• 4242');
    assert.equal(hit.body.contact.email, 'ana+••••••••••••4242@example.com');
    const stored = worker.query(`SELECT payload_json FROM handoffs WHERE ticket = '${reply.ticket}'`)[0].payload_json;
    assert.doesNotMatch(squeeze(stored), /4242424242424242/, 'D1 holds no card');
    assert.match(stored, /Ana •••• •••• •••• 4242/);
  });

  test('no email within the wait: the handoff goes out anyway; an email given later is sent as an update', async () => {
    const res = await chat(worker.base, { text: 'My parcel is lost, please look into it' });
    const reply = res.json.reply;
    assert.equal(reply.ask_contact, true);
    const first = await receiver.waitFor((r) => r.body?.ticket === reply.ticket, 20000);
    assert.equal(first.body.contact?.email, undefined);
    const ok = await fetch(`${worker.base}/v1/contact`, {
      method: 'POST',
      body: JSON.stringify({ site: 'demo', conversation_id: res.request.conversation_id, ticket: reply.ticket, contact: { email: 'late@example.com' } }),
    });
    assert.equal(ok.status, 200);
    const update = await receiver.waitFor((r) => r.body?.ticket === reply.ticket && r.body.contact?.email === 'late@example.com');
    assert.notEqual(update.headers['webhook-id'], first.headers['webhook-id']);
    assert.equal(update.body.id, first.body.id, 'the same handoff');
  });

  test('a second handoff in one conversation is repeated contact (high), with the transcript', async () => {
    const conversation_id = `rep${Date.now()}`;
    const first = await handoff('My parcel is lost, can you check?', { conversation_id });
    assert.equal(first.urgency, 'normal');
    const answer = await chat(worker.base, { conversation_id, text: 'how long does shipping to Germany take?', country: 'DE' });
    assert.equal(answer.json.reply.kind, 'answer');
    const second = await handoff('Hello? Nobody has written to me about my parcel', { conversation_id });
    assert.equal(second.urgency, 'high');
    const hit = await receiver.waitFor((r) => r.body?.ticket === second.ticket);
    assert.ok(hit.body.urgency.reasons.includes('high:repeated_contact'), JSON.stringify(hit.body.urgency));
    const lines = hit.body.transcript.map((l) => `${l.role}: ${l.text}`);
    assert.ok(lines.includes('shopper: My parcel is lost, can you check?'), lines.join('\n'));
    assert.ok(lines.includes('shopper: how long does shipping to Germany take?'), lines.join('\n'));
    assert.equal(lines.length, 4);
  });

  test('the away notice appears exactly when the shop is closed (checked against Intl in the shop zone)', async () => {
    const toml = readFileSync(SITE_FILE, 'utf8');
    const zone = toml.match(/^time_zone = "(.*)"$/m)[1];
    const holidays = JSON.parse(toml.match(/^holidays = (\[.*\])$/m)[1]);
    const open = Object.fromEntries([...toml.matchAll(/^(mon|tue|wed|thu|fri|sat|sun) = "(\d\d):(\d\d)-(\d\d):(\d\d)"$/gm)]
      .map((m) => [m[1], [Number(m[2]) * 60 + Number(m[3]), Number(m[4]) * 60 + Number(m[5])]]));
    const before = Date.now();
    const reply = await handoff('My parcel is lost, please check');
    const after = Date.now();
    const isOpen = (ms) => {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
        timeZone: zone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
      const date = `${parts.year}-${parts.month}-${parts.day}`;
      const range = open[parts.weekday.toLowerCase().slice(0, 3)];
      const minute = Number(parts.hour) * 60 + Number(parts.minute);
      return !holidays.includes(date) && !!range && minute >= range[0] && minute < range[1];
    };
    if (isOpen(before) !== isOpen(after)) return; // the request straddled an opening or closing
    assert.equal(reply.away === undefined, isOpen(before), JSON.stringify(reply));
    const notice = (section) => toml.match(new RegExp(`\\[handoff\\.${section}\\]\\nen = "(.*)\\{opens_at\\}`))[1];
    const shown = [notice('away_reply'), notice('holiday_reply')].filter((t) => reply.text.includes(t));
    assert.equal(shown.length, isOpen(before) ? 0 : 1, reply.text);
    if (reply.away) assert.ok(reply.away.opens_at > before, 'opens in the future');
  });

  test('retention: the cron deletes conversations idle past the site retention, and keeps the rest', async () => {
    const old = Date.now() - 31 * 86400000;
    const fresh = await handoff('My parcel is lost, please check', { conversation_id: `keep${Date.now()}` });
    worker.query(`INSERT INTO conversations (id, site, created_at, updated_at) VALUES ('old-conv', 'demo', ${old}, ${old})`);
    worker.query(`INSERT INTO messages (conversation_id, client_message_id, role, text, created_at) VALUES ('old-conv', 'm1', 'shopper', 'hi', ${old})`);
    const res = await fetch(`${worker.base}/__scheduled?cron=17+3+*+*+*`);
    assert.equal(res.status, 200);
    await eventually(() => worker.query("SELECT COUNT(*) AS n FROM conversations WHERE id = 'old-conv'")[0].n === 0, 10000, 'old conversation deleted');
    assert.equal(worker.query("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = 'old-conv'")[0].n, 0);
    assert.equal(worker.query(`SELECT COUNT(*) AS n FROM conversations WHERE id = '${fresh.conversation_id}'`)[0].n, 1);
  });
});
