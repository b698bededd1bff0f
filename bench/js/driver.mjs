// The wasm side of `cargo xtask bench`: loads the router compiled to wasm (wasm-bindgen
// `--target nodejs`) in this Node process and prints one JSON object, like the native
// `ferry-bench` binary:
//   node driver.mjs PKG_DIR cold PACK          instantiate + load + first message, this process
//   node driver.mjs PKG_DIR warm PACK ROUNDS   per-message p50/p99 over the corpus
//   node driver.mjs PKG_DIR stages PACK        the cold start by stage
//   node driver.mjs PKG_DIR decisions PACK     one summary line per corpus message
// Times are wall-clock (performance.now) and, for cold, this process's CPU time too.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import path from "node:path";

const [pkgDir, mode, packName, roundsArg] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const c0 = cpuMs();
const t0 = performance.now();
// Reads the .wasm file, compiles and instantiates it (synchronously, as the module loads).
const bench = require(path.resolve(pkgDir, "ferry_bench.js"));
const t1 = performance.now();
const c1 = cpuMs();
const toml = bench.pack(packName);
if (toml === undefined) {
  console.error(`unknown pack ${packName}`);
  process.exit(2);
}
const corpus = bench
  .corpus()
  .split("\n")
  .map((line) => line.split("\t"));

const percentile = (sorted, p) => sorted[Math.round((sorted.length - 1) * p)];
const fixed = (x, n) => Number(x.toFixed(n));

switch (mode) {
  case "cold": {
    const c2 = cpuMs();
    const t2 = performance.now();
    bench.load(toml);
    const t3 = performance.now();
    bench.route(corpus[0][0], corpus[0][1]);
    const t4 = performance.now();
    const c4 = cpuMs();
    console.log(
      JSON.stringify({
        instantiate_ms: fixed(t1 - t0, 3),
        load_ms: fixed(t3 - t2, 3),
        first_ms: fixed(t4 - t3, 3),
        cold_ms: fixed(t1 - t0 + (t4 - t2), 3),
        cold_cpu_ms: fixed(c1 - c0 + (c4 - c2), 3),
      }),
    );
    break;
  }
  case "warm": {
    const rounds = Number(roundsArg ?? 20);
    bench.load(toml);
    for (const [text, locale] of corpus) bench.route(text, locale);
    const times = [];
    for (let r = 0; r < rounds; r++) {
      for (const [text, locale] of corpus) {
        const t = performance.now();
        bench.route(text, locale);
        times.push((performance.now() - t) * 1000);
      }
    }
    times.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        p50_us: fixed(percentile(times, 0.5), 1),
        p99_us: fixed(percentile(times, 0.99), 1),
        messages: times.length,
      }),
    );
    break;
  }
  case "stages": {
    const stages = [["instantiate", t1 - t0]];
    let t = performance.now();
    bench.stages(toml, (stage) => {
      const now = performance.now();
      stages.push([stage, now - t]);
      t = now;
    });
    t = performance.now();
    bench.route(corpus[0][0], corpus[0][1]);
    stages.push(["first message (tables built)", performance.now() - t]);
    t = performance.now();
    bench.route(corpus[1][0], corpus[1][1]);
    stages.push(["second message", performance.now() - t]);
    console.log(JSON.stringify({ stages: stages.map(([s, ms]) => [s, fixed(ms, 3)]) }));
    break;
  }
  case "decisions": {
    bench.load(toml);
    for (const [text, locale] of corpus) console.log(bench.route(text, locale));
    break;
  }
  default:
    console.error(`unknown mode ${mode}`);
    process.exit(2);
}
