// Asks a running `wrangler dev` for the Worker isolate's JavaScript heap after a full garbage
// collection, over its DevTools inspector (Node 22's WebSocket): how `cargo xtask load` tells
// memory the Worker keeps from memory V8 has simply not collected yet.
//
//   node heap.mjs <inspector port>   prints {"usedSize":…,"totalSize":…} (bytes)

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node heap.mjs <inspector port>');
  process.exit(2);
}
const timer = setTimeout(() => { console.error('inspector: no answer within 20 s'); process.exit(1); }, 20000);
const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const target = targets.find((t) => t.webSocketDebuggerUrl);
if (!target) {
  console.error(`inspector on ${port}: no debuggable target in ${JSON.stringify(targets)}`);
  process.exit(1);
}
// The inspector accepts only local (and DevTools') origins, and wants one.
const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: 'http://127.0.0.1' } });
const pending = new Map();
let next = 0;
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  const done = pending.get(message.id);
  if (done) { pending.delete(message.id); done(message); }
};
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('inspector: cannot connect')); });
const call = (method, params = {}) => new Promise((resolve) => {
  const id = ++next;
  pending.set(id, resolve);
  ws.send(JSON.stringify({ id, method, params }));
});
// Commands run in order, so the reading comes after both collections. Their own replies are
// not awaited: workerd's inspector proxy does not always pass them on. Twice: the first pass
// can leave garbage that only the second frees (weak references).
call('HeapProfiler.enable');
call('HeapProfiler.collectGarbage');
call('HeapProfiler.collectGarbage');
const usage = await call('Runtime.getHeapUsage');
if (usage.error) {
  console.error(`inspector: Runtime.getHeapUsage: ${JSON.stringify(usage.error)}`);
  process.exit(1);
}
console.log(JSON.stringify(usage.result));
clearTimeout(timer);
ws.close();
process.exit(0);
