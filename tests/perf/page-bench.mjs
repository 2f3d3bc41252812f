// Page benchmark (not part of `cargo xtask test`): a large generated run dropped into the built
// page in headless Chromium; prints load time, time to the first chart, Pareto toggle and Node
// Metrics grouping times, the longest main-thread task and the browser's RSS growth as JSON.
//
//   node tests/perf/page-bench.mjs [--dist DIR] [--mb N] [--archive FILE] [--read-ms MS] [--hostile]
//
// --hostile (with --archive): only drop the file and report when the load ended, what the page
// said and the browser's RSS growth (issue 17's inputs in the page).
//
// Without --archive it writes a run of about N MB (default 1000) of SGLang DP-attention worker
// logs plus sa-bench results to a temp folder and packs it as .tar.gz (cached between calls).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dist = path.resolve(arg('--dist', path.join(root, 'dist')));
const mb = Number(arg('--mb', '1000'));

/** Dense SGLang decode/prefill lines of DP-attention ranks, as `runlens bench` generates them. */
function writeLog(file, bytes, service, seed) {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let n = seed;
  let ms = 0;
  const chunk = [];
  let chunkLen = 0;
  while (written + chunkLen < bytes) {
    const dp = n % 8;
    const s = String(10 + Math.floor(ms / 1000) % 50).padStart(2, '0');
    const m = String(Math.floor(ms / 60000) % 60).padStart(2, '0');
    const f = String(ms % 1000).padStart(3, '0');
    const line = service === 'prefill'
      ? `[2026-07-01 12:${m}:${s}.${f} DP${dp} TP${dp} EP${dp}] Prefill batch, #new-seq: ${1 + n % 7}, #new-token: ${1024 + n % 4096}, #cached-token: ${n % 512}, token usage: 0.${String(n % 100).padStart(2, '0')}, #running-req: ${n % 64}, #queue-req: ${n % 9}, #prealloc-req: 0, #inflight-req: ${n % 5}, input throughput (token/s): ${10000 + n % 90000}.${String(n % 100).padStart(2, '0')},\n`
      : `[2026-07-01 12:${m}:${s}.${f} DP${dp} TP${dp} EP${dp}] Decode batch, #running-req: ${1 + n % 128}, #token: ${10000 + n % 90000}, token usage: 0.${String(n % 100).padStart(2, '0')}, pre-allocated usage: 0.00, #prealloc-req: 0, #transfer-req: ${n % 3}, #retracted-req: 0, cuda graph: True, gen throughput (token/s): ${1000 + n % 9000}.${String(n % 100).padStart(2, '0')}, #queue-req: ${n % 4},\n`;
    chunk.push(line);
    chunkLen += line.length;
    if (chunkLen > 8 << 20) {
      fs.writeSync(fd, chunk.join(''));
      written += chunkLen;
      chunk.length = 0;
      chunkLen = 0;
    }
    n += 1;
    ms += 37;
  }
  fs.writeSync(fd, chunk.join(''));
  fs.closeSync(fd);
  return written + chunkLen;
}

function buildArchive() {
  const dir = path.join(os.tmpdir(), `runlens-page-bench-${mb}mb`);
  const archive = `${dir}.tar.gz`;
  if (fs.existsSync(archive)) return archive;
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('cargo', ['run', '-q', '-p', 'xtask', '--', 'fixtures', '--big', dir, '--mb', '4'], { cwd: root, stdio: 'inherit' });
  const job = fs.readdirSync(path.join(dir, 'runs', 'outputs'))[0];
  const logs = path.join(dir, 'runs', 'outputs', job, 'logs');
  // Summary-only results: the point of this benchmark is the worker logs.
  const results = path.join(logs, fs.readdirSync(logs).find((d) => d.startsWith('sa-bench')));
  for (const f of fs.readdirSync(results)) {
    const r = JSON.parse(fs.readFileSync(path.join(results, f), 'utf8'));
    for (const [k, v] of Object.entries(r)) if (Array.isArray(v)) delete r[k];
    fs.writeFileSync(path.join(results, f), JSON.stringify(r));
  }
  const workers = [['prefill', 2], ['decode', 6]];
  const per = Math.floor((mb << 20) / workers.reduce((a, [, n]) => a + n, 0));
  let total = 0;
  for (const [service, count] of workers) {
    for (let i = 0; i < count; i++) total += writeLog(path.join(logs, `gpu-node-${service}${i}_${service}_w${i}.err`), per, service, i * 7);
  }
  execFileSync('tar', ['czf', archive, '-C', dir, 'runs']);
  console.error(`wrote ${archive}: ${(total / 1e6).toFixed(0)} MB of worker logs, ${(fs.statSync(archive).size / 1e6).toFixed(1)} MB gzipped`);
  return archive;
}

/** RSS of every descendant of this node process (the browser and its children), in bytes. */
function treeRss() {
  const pid = process.pid;
  const children = new Map();
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch { /* gone */ }
  }
  let rss = 0;
  const stack = [...(children.get(pid) || [])];
  while (stack.length) {
    const p = stack.pop();
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      const m = status.match(/VmRSS:\s+(\d+) kB/);
      if (m) rss += Number(m[1]) * 1024;
    } catch { /* gone */ }
    stack.push(...(children.get(p) || []));
  }
  return rss;
}

const archive = arg('--archive', null) || buildArchive();
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = path.join(dist, decodeURIComponent(url.pathname));
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(dist, 'index.html');
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
page.on('pageerror', (e) => console.error('pageerror:', String(e)));
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForSelector('#load-demo');
await page.evaluate(() => {
  window.__longest = 0;
  window.__tasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => {
    window.__longest = Math.max(window.__longest, e.duration);
    window.__tasks.push([e.startTime, e.duration]);
  })).observe({ type: 'longtask', buffered: true });
});
await page.waitForTimeout(500);
const rssBefore = treeRss();
// Stage marks on the page's clock: each long task is reported with the stage it fell in.
const marks = [];
const mark = async (stage) => marks.push([stage, await page.evaluate(() => performance.now())]);
await mark('drop');
const t0 = Date.now();
console.error('loading', archive);
await page.setInputFiles('#file-input', archive);
if (process.argv.includes('--hostile')) {
  // A hostile input (issue 17): how long until the load ends, what it says, what it cost.
  await page.waitForSelector('.status.done, .status.error', { timeout: 600000 });
  await page.waitForTimeout(1000);
  const status = await page.locator('.status').first().innerText();
  const notices = await page.locator('.notices, #notices').first().innerText().catch(() => '');
  console.log(JSON.stringify({
    archive, archive_mb: +(fs.statSync(archive).size / 1e6).toFixed(1), ended_ms: Date.now() - t0,
    status: status.slice(0, 300), notice: notices.slice(0, 300),
    longest_main_thread_task_ms: await page.evaluate(() => +window.__longest.toFixed(0)),
    browser_rss_growth_mb: +((treeRss() - rssBefore) / 1e6).toFixed(0),
  }));
  await browser.close();
  server.close();
  process.exit(0);
}
await page.waitForSelector('#pareto-chart canvas, .status.error', { timeout: 600000 });
const firstChartMs = Date.now() - t0;
if (await page.locator('.status.error').count()) throw new Error(await page.locator('.status.error').innerText());
console.error('first chart', firstChartMs);
await mark('after first chart');
await page.waitForSelector('.status.done, .status.error', { timeout: 600000 });
const loadedMs = Date.now() - t0;
await mark('pareto toggles');
console.error('loaded', loadedMs, await page.locator('.status').first().innerText().catch(() => ''));

/** Click `id` and wait until `probe()` in the page returns something else; ms. */
async function timeClick(id, probe) {
  return page.evaluate(async ([id, probeSrc]) => {
    const probe = eval(probeSrc);
    const before = JSON.stringify(probe());
    const t = performance.now();
    document.getElementById(id).click();
    while (JSON.stringify(probe()) === before) {
      await new Promise((r) => setTimeout(r, 0));
      if (performance.now() - t > 60000) return -1;
    }
    return performance.now() - t;
  }, [id, probe]);
}

const paretoProbe = "() => window.echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption().yAxis[0].name";
const pareto = [];
for (let i = 0; i < 4; i++) pareto.push(await timeClick(i % 2 ? 'y-output' : 'y-total', paretoProbe));

console.error('pareto', pareto);
await mark('node metrics tab');
await page.click('#tab-nodes');
await page.waitForSelector('[id^="node-"] canvas', { timeout: 120000 });
const nodeProbe = "() => { const el = document.querySelector('[id^=\"node-decode-running\"]'); const c = el && window.echarts.getInstanceByDom(el); return c ? c.getOption().series.length : 0; }";
// A user reads the first charts before toggling (--read-ms): the worker computes the other
// groupings meanwhile.
await page.waitForTimeout(Number(arg('--read-ms', '0')));
await mark('node groupings');
const grouping = [];
for (const id of ['grouping-dp', 'grouping-worker', 'grouping-cluster', 'grouping-dp']) grouping.push(await timeClick(id, nodeProbe));
for (const tab of ['latency', 'rate', 'config', 'runs', 'pareto']) {
  await mark(`${tab} tab`);
  await page.click(`#tab-${tab}`);
  await page.waitForTimeout(300);
}
await page.waitForTimeout(1000);
const rssAfter = treeRss();
const longestTaskMs = await page.evaluate(() => window.__longest);
const stageOf = (start) => (marks.filter((m) => m[1] <= start).pop() || ['before drop'])[0];
const longTasks = (await page.evaluate(() => window.__tasks))
  .sort((a, b) => b[1] - a[1]).slice(0, 8)
  .map(([start, ms]) => ({ stage: stageOf(start), ms: +ms.toFixed(0) }));
const archiveBytes = fs.statSync(archive).size;
console.log(JSON.stringify({
  dist, archive, archive_mb: +(archiveBytes / 1e6).toFixed(1), mb_logs: mb,
  first_chart_ms: firstChartMs, loaded_ms: loadedMs,
  pareto_toggle_ms: pareto.map((v) => +v.toFixed(1)),
  node_grouping_ms: grouping.map((v) => +v.toFixed(1)),
  longest_main_thread_task_ms: +longestTaskMs.toFixed(1),
  longest_tasks: longTasks,
  browser_rss_growth_mb: +((rssAfter - rssBefore) / 1e6).toFixed(0),
  rss_growth_per_log_byte: +((rssAfter - rssBefore) / (mb << 20)).toFixed(2),
}, null, 1));
await browser.close();
server.close();
