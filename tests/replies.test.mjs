// Agents' replies in workerd (wrangler dev, local D1 and Queues): the Reply API signed with
// Standard Webhooks by the destination's secret, the read endpoint the widget polls, and
// Slack — handoffs posted with chat.postMessage to a local stand-in for Slack's Web API (an
// HTTP server on 127.0.0.1 that records every call), thread replies through the Events API
// signed with the app's signing secret.
//
// Signatures here are computed with node's crypto, independently of the Rust code.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { chat, eventually, startReceiver, startWorker } from './harness.mjs';

// Throwaway keys for this run.
const SECRET = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256)).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 29 + 3) % 256)).toString('base64')}`;
const SLACK_SIGNING_SECRET = `slack-signing-${Math.random().toString(36).slice(2)}`;
const SLACK_BOT_TOKEN = `xoxb-test-${Math.random().toString(36).slice(2)}`;
const SLACK_CHANNEL = 'C0FERRYONCALL';
const MEMBER = { id: 'U0AGENT01', display_name: 'Maya from support' };

/// Standard Webhooks headers for `body`, as a helpdesk would send them.
function signed(body, { secret = SECRET, id = `msg_${Math.random().toString(36).slice(2)}`, ts = Math.floor(Date.now() / 1000) } = {}) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` };
}

/// Slack's headers for `body` (v0 = HMAC-SHA256 over `v0:{ts}:{body}`, hex).
function slackSigned(body, { secret = SLACK_SIGNING_SECRET, ts = Math.floor(Date.now() / 1000) } = {}) {
  const sig = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${sig}` };
}

async function post(base, path, body, headers) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

/// A stand-in for Slack's Web API: `chat.postMessage` answers `{ok, channel, ts}` with a new
/// ts each time, `users.info` names MEMBER; every call is recorded.
async function startSlack() {
  const calls = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try { body = JSON.parse(text); } catch { /* recorded as text */ }
      const call = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      let answer;
      if (req.headers.authorization !== `Bearer ${SLACK_BOT_TOKEN}`) {
        answer = { ok: false, error: 'invalid_auth' };
      } else if (url.pathname === '/api/chat.postMessage' && req.method === 'POST') {
        n += 1;
        answer = { ok: true, channel: body?.channel, ts: `${1700000000 + n}.${String(n).padStart(6, '0')}`, message: {} };
      } else if (url.pathname === '/api/users.info') {
        answer = url.searchParams.get('user') === MEMBER.id
          ? { ok: true, user: { id: MEMBER.id, name: 'maya', real_name: 'Maya Real', profile: { display_name: MEMBER.display_name } } }
          : { ok: false, error: 'user_not_found' };
      } else {
        answer = { ok: false, error: 'unknown_method' };
      }
      call.answer = answer;
      calls.push(call);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}/api`,
    calls,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

describe('agent replies', () => {
  let receiver;
  let slack;
  let worker;
  let linkHost;

  before(async () => {
    receiver = await startReceiver();
    slack = await startSlack();
    worker = await startWorker({
      webhookUrl: receiver.url,
      vars: {
        WEBHOOK_SECRET: SECRET,
        SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET,
        SLACK_API_BASE: slack.base,
      },
    });
    const config = await (await fetch(`${worker.base}/v1/config?site=demo`)).json();
    linkHost = config.link_hosts[0];
    assert.ok(linkHost, 'the demo site has link hosts');
  });
  after(async () => {
    await worker?.stop();
    await slack?.close();
    await receiver?.close();
  });

  /// A handoff to the helpdesk, as the helpdesk received it (the payload carries the ticket).
  async function helpdeskHandoff() {
    const res = await chat(worker.base, { text: 'My parcel is lost, please check', contact: { email: 'shopper@example.com' } });
    assert.equal(res.json.reply?.kind, 'handoff', JSON.stringify(res.json));
    const delivered = await receiver.waitFor((r) => r.body?.ticket === res.json.reply.ticket && r.url === '/handoffs');
    return { ticket: delivered.body.ticket, conversation: res.request.conversation_id };
  }

  const stored = (conversation) => worker.query(`SELECT id, source, source_id, agent, text FROM agent_messages WHERE conversation_id = '${conversation}' ORDER BY id`);

  async function read(conversation, after, headers = {}) {
    const q = new URLSearchParams({ site: 'demo', conversation, ...(after === undefined ? {} : { after: String(after) }) });
    const res = await fetch(`${worker.base}/v1/messages?${q}`, { headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  }

  test('a signed reply is stored, masked and sanitised, and read back with ETag / 304', async () => {
    const { ticket, conversation } = await helpdeskHandoff();
    const text = `Hi! Refunded to card 4242 4242 4242 4242.\r\n\r\n\r\nTrack it [here](https://${linkHost}/track) or [there](https://evil.example/phish).\u202E`;
    const body = JSON.stringify({ ticket, text, agent: { name: 'Ana' } });
    const headers = signed(body);
    const res = await post(worker.base, '/v1/replies?site=demo&destination=helpdesk', body, headers);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.ticket, ticket);
    assert.equal(res.json.duplicate, false);

    const first = await read(conversation);
    assert.equal(first.status, 200);
    assert.equal(first.json.conversation_id, conversation);
    assert.equal(first.json.messages.length, 1);
    const [message] = first.json.messages;
    assert.equal(message.id, res.json.id);
    assert.equal(message.agent, 'Ana');
    assert.equal(message.ticket, ticket);
    assert.equal(first.json.last, message.id);
    assert.ok(!/4242 4242 4242 4242/.test(message.text) && message.text.includes('4242'), message.text);
    assert.ok(message.text.includes(`[here](https://${linkHost}/track)`), message.text);
    assert.ok(!message.text.includes('](https://evil.example'), `the foreign link is text: ${message.text}`);
    assert.ok(!message.text.includes('\r') && !message.text.includes('\n\n\n') && !message.text.includes('\u202E'), JSON.stringify(message.text));
    assert.equal(first.headers.get('cache-control'), 'private, no-cache');

    // Nothing new: 304 without a body; a later `after` is another answer.
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await read(conversation, undefined, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('etag'), etag);
    const later = await read(conversation, message.id);
    assert.equal(later.status, 200);
    assert.deepEqual(later.json.messages, []);
    assert.equal(later.json.last, message.id);
    assert.notEqual(later.headers.get('etag'), etag);

    // The helpdesk retries (same webhook-id and body, signed again): the same answer, stored once.
    const retry = await post(worker.base, '/v1/replies?site=demo&destination=helpdesk', body,
      signed(body, { id: headers['webhook-id'] }));
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.json.id, res.json.id);
    assert.equal(retry.json.duplicate, true);
    assert.equal(stored(conversation).length, 1);

    // A second reply appears after the first; the old ETag no longer matches.
    const body2 = JSON.stringify({ ticket, text: 'Anything else?', agent: { name: 'Ana' } });
    const res2 = await post(worker.base, '/v1/replies?site=demo&destination=helpdesk', body2, signed(body2));
    assert.equal(res2.status, 200, res2.text);
    const changed = await read(conversation, undefined, { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.json.messages.map((m) => m.id), [res.json.id, res2.json.id]);
  });

  test('forged, expired or replayed signatures are refused with 401 and store nothing', async () => {
    const { ticket, conversation } = await helpdeskHandoff();
    const body = JSON.stringify({ ticket, text: 'Your refund is on its way.', agent: { name: 'Ana' } });
    const path = '/v1/replies?site=demo&destination=helpdesk';
    const now = Math.floor(Date.now() / 1000);
    const good = signed(body);
    const cases = [
      ['another key', signed(body, { secret: OTHER_SECRET })],
      ['a changed body', { ...good, _body: body.replace('on its way', 'cancelled') }],
      ['no signature', { ...good, 'webhook-signature': undefined }],
      ['no webhook-id', { ...good, 'webhook-id': undefined }],
      ['a garbled signature', { ...good, 'webhook-signature': 'v1,AAAA' }],
      ['expired (10 minutes old)', signed(body, { ts: now - 600 })],
      ['from the future', signed(body, { ts: now + 600 })],
    ];
    for (const [what, h] of cases) {
      const send = h._body ?? body;
      const headers = Object.fromEntries(Object.entries(h).filter(([k, v]) => v !== undefined && k !== '_body'));
      const res = await post(worker.base, path, send, headers);
      assert.equal(res.status, 401, `${what}: ${res.text}`);
      assert.equal(res.json.error.code, 'unauthorized', what);
    }
    assert.deepEqual(stored(conversation), []);

    // Accepted once; the same webhook-id then reused for other content is a replay: refused.
    const ok = await post(worker.base, path, body, good);
    assert.equal(ok.status, 200, ok.text);
    const other = JSON.stringify({ ticket, text: 'Your refund was cancelled.', agent: { name: 'Ana' } });
    const replayed = await post(worker.base, path, other, signed(other, { id: good['webhook-id'] }));
    assert.equal(replayed.status, 401, replayed.text);
    assert.match(replayed.json.error.message, /used before/);
    // The captured request sent again after the window: expired.
    const late = await post(worker.base, path, body, signed(body, { id: good['webhook-id'], ts: now - 400 }));
    assert.equal(late.status, 401, late.text);
    const rows = stored(conversation);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].text, 'Your refund is on its way.');

    // Another destination with the same key cannot answer a ticket it never received.
    const sales = await post(worker.base, '/v1/replies?site=demo&destination=sales', body, signed(body));
    assert.equal(sales.status, 404, sales.text);
    // A destination without a secret cannot reply at all.
    const unsigned = await post(worker.base, '/v1/replies?site=demo&destination=oncall-slack', body, signed(body));
    assert.equal(unsigned.status, 401, unsigned.text);
    assert.equal(stored(conversation).length, 1);
  });

  test('Slack: url_verification is answered with its challenge, unsigned requests refused', async () => {
    const path = '/v1/slack/events?site=demo&destination=oncall-slack';
    const challenge = `ch-${Math.random().toString(36).slice(2)}`;
    const body = JSON.stringify({ token: 'legacy', challenge, type: 'url_verification' });
    const res = await post(worker.base, path, body, slackSigned(body));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.challenge, challenge);
    const forged = await post(worker.base, path, body, slackSigned(body, { secret: 'not-the-secret' }));
    assert.equal(forged.status, 401);
    const expired = await post(worker.base, path, body, slackSigned(body, { ts: Math.floor(Date.now() / 1000) - 301 }));
    assert.equal(expired.status, 401);
    const none = await post(worker.base, path, body, { 'content-type': 'application/json' });
    assert.equal(none.status, 401);
  });

  test('Slack: a handoff is posted with chat.postMessage, its ts stored; a thread reply reaches the conversation', async () => {
    const res = await chat(worker.base, { text: 'My power bank caught fire while charging', contact: { email: 'shopper@example.com' } });
    assert.equal(res.json.reply?.urgency, 'urgent', JSON.stringify(res.json));
    const { ticket } = res.json.reply;
    const conversation = res.request.conversation_id;
    const call = await eventually(() => slack.calls.find((c) => c.path === '/api/chat.postMessage' && JSON.stringify(c.body).includes(ticket)), 20000, 'chat.postMessage');
    assert.equal(call.headers.authorization, `Bearer ${SLACK_BOT_TOKEN}`);
    assert.equal(call.body.channel, SLACK_CHANNEL);
    assert.ok(Array.isArray(call.body.blocks) && call.body.blocks.length > 0, 'Block Kit blocks');
    const row = await eventually(() => worker.query(
      `SELECT d.slack_channel, d.slack_ts, d.status FROM deliveries d JOIN handoffs h ON h.id = d.handoff_id WHERE h.ticket = '${ticket}' AND d.destination = 'oncall-slack'`,
    ).find((r) => r.status === 'delivered'), 20000, 'the Slack delivery');
    assert.equal(row.slack_channel, call.answer.channel);
    assert.equal(row.slack_ts, call.answer.ts);
    // The incoming webhook is not used when the app posts.
    assert.ok(!receiver.received.some((r) => r.url === '/slack/oncall' && r.text.includes(ticket)));

    const path = '/v1/slack/events?site=demo&destination=oncall-slack';
    const event = (fields) => JSON.stringify({
      type: 'event_callback',
      event_id: `Ev${Math.random().toString(36).slice(2)}`,
      event: { type: 'message', channel: row.slack_channel, user: MEMBER.id, ts: `${Date.now() / 1000}`, thread_ts: row.slack_ts, text: 'hello', ...fields },
    });
    const reply = event({ text: `*Stop using it* and see <https://${linkHost}/safety|safety steps> &amp; <https://evil.example/x|this>`, ts: '1800000000.000900' });
    const sent = await post(worker.base, path, reply, slackSigned(reply));
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.json.duplicate, false, sent.text);
    assert.ok(slack.calls.some((c) => c.path === '/api/users.info' && c.query.user === MEMBER.id), 'users.info named the member');

    const read1 = await read(conversation);
    assert.equal(read1.json.messages.length, 1);
    const [message] = read1.json.messages;
    assert.equal(message.agent, MEMBER.display_name);
    assert.equal(message.ticket, ticket);
    assert.ok(message.text.startsWith('**Stop using it**'), message.text);
    assert.ok(message.text.includes(`[safety steps](https://${linkHost}/safety) & `), message.text);
    assert.ok(!message.text.includes('](https://evil.example'), message.text);

    // Slack retries the same event: stored once.
    const retried = await post(worker.base, path, reply, { ...slackSigned(reply), 'x-slack-retry-num': '1' });
    assert.equal(retried.status, 200);
    assert.equal(retried.json.duplicate, true);

    // Ignored: a bot's message, an edit, a message outside the thread, a thread of no handoff.
    for (const [what, body] of [
      ['bot', event({ bot_id: 'B0BOT', text: 'automated', ts: '1800000001.000100' })],
      ['bot subtype', event({ subtype: 'bot_message', text: 'automated', ts: '1800000001.000200' })],
      ['edit', event({ subtype: 'message_changed', ts: '1800000001.000300' })],
      ['top-level', event({ thread_ts: undefined, ts: '1800000001.000400' })],
      ['other thread', event({ thread_ts: '1000.000001', ts: '1800000001.000500' })],
    ]) {
      const r = await post(worker.base, path, body, slackSigned(body));
      assert.equal(r.status, 200, `${what}: ${r.text}`);
      assert.equal(typeof r.json.ignored, 'string', `${what}: ${r.text}`);
    }
    // A forged thread reply: 401, nothing stored.
    const forged = event({ text: 'send your card number', ts: '1800000002.000100' });
    const refused = await post(worker.base, path, forged, slackSigned(forged, { secret: 'guess' }));
    assert.equal(refused.status, 401);
    const rows = stored(conversation);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].source, 'slack');
    assert.equal(rows[0].source_id, `${row.slack_channel}:1800000000.000900`);
  });
});
