// Browser end-to-end tests: the built dist/ served from a sub-path on 127.0.0.1, driven in
// Debian's headless Chromium by playwright-core. Run by `cargo xtask test` after the build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const demo = path.join(root, 'fixtures', 'demo');
const artifacts = path.join(root, 'tests', 'artifacts');
const expected = JSON.parse(fs.readFileSync(path.join(demo, 'expected.json'), 'utf8'));
const SUBPATH = '/some/sub-path/';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
let server;
let baseUrl;
let browser;

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(SUBPATH)) { res.writeHead(404).end(); return; }
    let file = path.join(dist, decodeURIComponent(url.pathname.slice(SUBPATH.length)) || 'index.html');
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}${SUBPATH}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives every launch a fresh, empty profile directory (its own --user-data-dir).
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page that records every request host and every console error. */
async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const foreign = [];
  const errors = [];
  page.on('request', (r) => { const u = new URL(r.url()); if (!['127.0.0.1', ''].includes(u.hostname) && !u.protocol.startsWith('blob') && !u.protocol.startsWith('data')) foreign.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); });
  await page.goto(baseUrl);
  await page.waitForSelector('#load-demo');
  return { page, context, foreign, errors };
}

async function waitLoaded(page) {
  await page.waitForSelector('.status.done, .status.error', { timeout: 60000 });
}

/** Series of the Pareto chart as ECharts holds them. */
async function paretoSeries(page) {
  await page.waitForFunction(() => {
    const el = document.getElementById('pareto-chart');
    return el && window.echarts.getInstanceByDom(el);
  });
  return page.evaluate(() => {
    const chart = window.echarts.getInstanceByDom(document.getElementById('pareto-chart'));
    return chart.getOption().series
      .filter((s) => !s.name.startsWith('Pareto frontier') && !s.name.startsWith('Target:') && !s.name.startsWith('Best under SLO'))
      .map((s) => ({ name: s.name, data: s.data.map((d) => d.value) }));
  });
}

function jobOf(seriesName) { return seriesName.split(' | ')[0]; }

// Page position of a data point of a Pareto run series, from ECharts' own coordinate system.
function paretoPixel(page, name, index) {
  return page.evaluate(([name, index]) => {
    const el = document.getElementById('pareto-chart');
    el.scrollIntoView({ block: 'center' });
    const chart = window.echarts.getInstanceByDom(el);
    const opt = chart.getOption();
    const s = opt.series.find((s) => s.name === name);
    const d = s.data[index];
    const v = d.value !== undefined ? d.value : d;
    const [x, y] = chart.convertToPixel({ seriesName: name }, [v[0], v[1]]);
    const box = el.getBoundingClientRect();
    return [box.left + x, box.top + y];
  }, [name, index]);
}

function assertMatchesTruth(series) {
  assert.equal(series.length, expected.runs.length, 'one series per run');
  for (const run of expected.runs) {
    const s = series.find((x) => jobOf(x.name) === run.job_id);
    assert.ok(s, `series for run ${run.job_id}`);
    assert.equal(s.data.length, run.points.length, `points of run ${run.job_id}`);
    run.points.forEach((p, i) => {
      const [x, y, c] = s.data[i];
      assert.equal(c, p.concurrency);
      assert.ok(Math.abs(x - p.output_tps_per_user) < 1e-6 * p.output_tps_per_user, `TPS/User of ${run.job_id}@${c}`);
      assert.ok(Math.abs(y - p.output_tps_per_gpu) < 1e-6 * p.output_tps_per_gpu, `TPS/GPU of ${run.job_id}@${c}`);
    });
  }
}

async function finish({ context, foreign, errors }) {
  assert.deepEqual(foreign, [], 'no request left 127.0.0.1');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
}

test('demo run: chart has one series per run and every point, axes titled', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const series = await paretoSeries(page);
  assertMatchesTruth(series);
  const axes = await page.evaluate(() => {
    const o = window.echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption();
    return [o.xAxis[0].name, o.yAxis[0].name];
  });
  assert.match(axes[0], /Output TPS\/User/);
  assert.match(axes[1], /Output TPS\/GPU/);
  await page.waitForTimeout(1500); // let ECharts finish its entry animation (symbols fade in last)
  await page.screenshot({ path: path.join(artifacts, 'demo.png'), fullPage: true });
  await page.click('#tab-runs');
  assert.equal(await page.locator('#runs-table tbody tr').count(), expected.runs.length);
  assert.match(await page.locator('#runs-table').innerText(), /128/, 'missing concurrency of the G1 run is listed');
  await finish(session);
});

test('fixture folder, .tar.gz and .zip uploads give identical results', async () => {
  const results = [];
  for (const upload of [
    { input: '#folder-input', files: path.join(demo, 'runs') },
    { input: '#file-input', files: path.join(demo, 'demo-runs.tar.gz') },
    { input: '#file-input', files: path.join(demo, 'demo-runs.zip') },
  ]) {
    const session = await openPage();
    await session.page.setInputFiles(upload.input, upload.files);
    await waitLoaded(session.page);
    const series = await paretoSeries(session.page);
    assertMatchesTruth(series);
    results.push(series.map((s) => ({ job: jobOf(s.name), data: s.data })).sort((a, b) => a.job.localeCompare(b.job)));
    await finish(session);
  }
  assert.deepEqual(results[1], results[0], 'tar.gz equals folder');
  assert.deepEqual(results[2], results[0], 'zip equals folder');
});

test('a corrupt archive is reported by name and loses nothing already loaded', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const good = fs.readFileSync(path.join(demo, 'demo-runs.tar.gz'));
  await page.setInputFiles('#file-input', { name: 'broken-run.tar.gz', mimeType: 'application/gzip', buffer: good.subarray(0, good.length / 2) });
  await page.click('#tab-runs');
  await page.waitForFunction(() => document.querySelector('#problems')?.innerText.includes('broken-run.tar.gz'));
  const problems = await page.locator('#problems').innerText();
  assert.match(problems, /broken-run\.tar\.gz/);
  assert.match(problems, /corrupt|truncated/i);
  await page.click('#tab-pareto');
  const series = await paretoSeries(page);
  assert.ok(series.length >= expected.runs.length, 'demo runs are still plotted');
  await finish(session);
});

test('dropping loose files adds them to what is loaded', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const text = fs.readFileSync(path.join(demo, 'runs', '3667_1P_4D_20251110_192145', 'sa-bench_isl_1024_osl_1024',
    'isl_1024_osl_1024_concurrency_16_req_rate_inf_ctx4_gen16.json'), 'utf8');
  await page.evaluate((body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'extra_concurrency_16.json', { type: 'application/json' }));
    document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await page.click('#tab-runs');
  await page.waitForFunction((n) => document.querySelectorAll('#runs-table tbody tr').length > n, expected.runs.length);
  await finish(session);
});

test('folder reading keeps calling readEntries until it returns nothing (more than 100 entries)', async () => {
  const session = await openPage();
  const n = await session.page.evaluate(async () => {
    // Chromium hands directory entries out 100 at a time; a reader that stops early loses files.
    const batches = [100, 100, 37];
    const fake = { readEntries(ok) { const k = batches.shift() || 0; setTimeout(() => ok(Array.from({ length: k }, (_, i) => ({ name: `f${i}` }))), 0); } };
    return (await window.runlensJs.readAllEntries(fake)).length;
  });
  assert.equal(n, 237);
  await finish(session);
});

test('every generation, parsed as wasm in the worker, matches its ground truth', async () => {
  const generations = path.join(root, 'fixtures', 'generations');
  const truth = JSON.parse(fs.readFileSync(path.join(generations, 'expected.json'), 'utf8'));
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#file-input', path.join(generations, 'generations.tar.gz'));
  await waitLoaded(page);
  const series = await paretoSeries(page);
  assert.equal(series.length, truth.runs.length);
  for (const run of truth.runs) {
    const s = series.find((x) => jobOf(x.name) === run.job_id);
    assert.ok(s, `series of ${run.job_id}`);
    assert.deepEqual(s.data.map((d) => d[2]), run.points.map((p) => p.concurrency), `concurrencies of ${run.job_id}`);
    s.data.forEach(([x, y], i) => {
      const p = run.points[i];
      assert.ok(Math.abs(y - p.output_tps_per_gpu) <= 1e-6 * p.output_tps_per_gpu, `TPS/GPU ${run.job_id}`);
      assert.ok(Math.abs(x - p.output_tps_per_user) <= 1e-6 * p.output_tps_per_user, `TPS/User ${run.job_id}`);
    });
  }
  const incomplete = await page.locator('#notice-incomplete').innerText();
  assert.match(incomplete, /Job 6006 is incomplete — missing concurrencies: 32, 64/);
  assert.match(incomplete, /Job 2002 is incomplete — missing concurrencies: 64/);
  assert.match(await page.locator('#notice-profiling').innerText(), /1 profiling run/);
  assert.match(await page.locator('#notice-skipped').innerText(), /1 run\(s\) skipped/);
  await page.click('#tab-runs');
  // Run 3003 has two worker logs at the top of logs/; schema-2 runs list theirs (and services') in the truth.
  const logs = 2 + truth.runs.reduce((n, r) => n + (r.worker_logs || []).length + (r.service_logs || []).length, 0);
  assert.equal(await page.locator('#coverage-table tbody tr').count(), logs, 'coverage of every worker and service log');
  assert.match(await page.locator('#coverage-table').innerText(), /service_etcd_gb-node01\.out/);
  assert.match(await page.locator('#coverage-table').innerText(), /SglangScheduler/);
  assert.match(await page.locator('#skipped summary').innerText(), new RegExp(`\\(${truth.skipped.length}\\)`));
  assert.match(await page.locator('#problems').innerText(), /results_concurrency_32_gpus_8\.json/);
  assert.match(await page.locator('#runs-table').innerText(), /32, 64/, 'missing concurrencies of run 6006');
  await finish(session);
});

/** Every series of a chart by DOM id, as ECharts holds them. */
async function chartSeries(page, id) {
  await page.waitForFunction((id) => { const el = document.getElementById(id); return el && window.echarts.getInstanceByDom(el); }, id);
  return page.evaluate((id) => window.echarts.getInstanceByDom(document.getElementById(id)).getOption().series
    .map((s) => ({ id: s.id, name: s.name, data: (s.data || []).map((d) => (d && d.value !== undefined ? d.value : d)) })), id);
}

test('pareto toggles: total TPS, frontier, cutoff, CSV and PNG downloads', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  let all = await chartSeries(page, 'pareto-chart');
  const frontier = all.find((s) => s.name.startsWith('Pareto frontier'));
  assert.ok(frontier, 'frontier series drawn by default');
  const nPoints = expected.runs.reduce((n, r) => n + r.points.length, 0);
  assert.match(await page.locator('#frontier-count').innerText(), new RegExp(`Frontier: ${frontier.data.length} points of ${nPoints} plotted`));
  const outputY = (await paretoSeries(page)).map((s) => s.data.map((d) => d[1]));
  await page.check('#y-total');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption().yAxis[0].name.startsWith('Total'));
  const totalY = (await paretoSeries(page)).map((s) => s.data.map((d) => d[1]));
  assert.notDeepEqual(totalY, outputY, 'Y values change with the toggle');
  await page.check('#show-cutoff');
  all = await chartSeries(page, 'pareto-chart');
  const cutoff = all.find((s) => s.name.startsWith('Target:'));
  assert.ok(cutoff, 'cutoff line drawn');
  assert.equal(cutoff.data[0][0], 30);
  await page.fill('#cutoff-value', '55');
  await page.dispatchEvent('#cutoff-value', 'change');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption().series.some((s) => s.name === 'Target: 55 TPS/User'));
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-points')]);
  assert.equal(csv.suggestedFilename(), 'benchmark_data.csv');
  const text = fs.readFileSync(await csv.path(), 'utf8');
  assert.ok(text.startsWith('Run ID,Run Date,Profiler,ISL,OSL,Prefill Nodes,Decode Nodes,Prefill Workers,Decode Workers,Frontends,GPUs per Node,Total GPUs,Request Rate,Concurrency,Output TPS,Total TPS,Output TPS/GPU,Total TPS/GPU,Output TPS/User,Mean TTFT (ms),Mean TPOT (ms),Mean ITL (ms)'));
  assert.equal(text.trim().split('\n').length, 1 + nPoints, 'header + every point');
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#pareto-chart >> xpath=.. >> button:has-text("PNG")')]);
  const bytes = fs.readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG image');
  await finish(session);
});

test('pareto A/B: clicking two points compares them, swap and clear', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const series = await paretoSeries(page);
  const pixelOf = (name, index) => paretoPixel(page, name, index);
  const a = series[0];
  const b = series[series.length - 1];
  let [x, y] = await pixelOf(a.name, 0);
  await page.mouse.click(x, y);
  await page.waitForSelector('#ab-compare table');
  [x, y] = await pixelOf(b.name, b.data.length - 1);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => !document.querySelector('#ab-compare thead').innerText.includes('click a second point'));
  const head = await page.locator('#ab-compare thead').innerText();
  assert.ok(head.includes('A: ' + a.name), head);
  assert.ok(head.includes('B: ' + b.name), head);
  const rows = await page.locator('#ab-compare tbody tr').allInnerTexts();
  assert.equal(rows.length, 6);
  const conc = rows.find((r) => r.startsWith('Concurrency')).split('\t');
  assert.equal(Number(conc[1]), a.data[0][2]);
  assert.equal(Number(conc[2]), b.data[b.data.length - 1][2]);
  const tps = a.data[0][3];
  const tpsB = b.data[b.data.length - 1][3];
  const change = rows.find((r) => r.startsWith('Output TPS\t')).split('\t')[3];
  assert.equal(change, `${((tpsB - tps) / tps * 100) >= 0 ? '+' : ''}${((tpsB - tps) / tps * 100).toFixed(1)} %`);
  assert.ok(await page.locator('#ab-compare td.better, #ab-compare td.worse').count() > 0, 'changes are coloured');
  await page.click('#ab-swap');
  assert.ok((await page.locator('#ab-compare thead').innerText()).includes('A: ' + b.name));
  await page.screenshot({ path: path.join(artifacts, 'pareto-ab.png'), fullPage: true });
  await page.click('#ab-clear');
  await page.waitForSelector('#ab-compare table', { state: 'detached' });
  await finish(session);
});

test('latency tab: four charts, statistic and log toggles, summary table', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-latency');
  for (const id of ['latency-ttft', 'latency-tpot', 'latency-itl', 'latency-e2el']) {
    const series = await chartSeries(page, id);
    assert.equal(series.length, expected.runs.length, id);
    assert.deepEqual(series.map((s) => s.data.length).sort(), expected.runs.map((r) => r.points.length).sort(), id);
  }
  const meanTtft = (await chartSeries(page, 'latency-ttft'))[0].data.map((d) => d[1]);
  await page.check('#stat-p99');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('latency-ttft')).getOption().yAxis[0].name.startsWith('P99'));
  const p99Ttft = (await chartSeries(page, 'latency-ttft'))[0].data.map((d) => d[1]);
  assert.ok(p99Ttft.every((v, i) => v > meanTtft[i]), 'p99 above mean');
  await page.check('#log-y');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('latency-ttft')).getOption().yAxis[0].type === 'log');
  assert.equal(await page.locator('#latency-summary tbody tr').count(), expected.runs.length);
  assert.doesNotMatch(await page.locator('#latency-summary').innerText(), /–/, 'every run has a p99 of every metric');
  await page.waitForTimeout(1200);
  await page.screenshot({ path: path.join(artifacts, 'latency.png'), fullPage: true });
  await finish(session);
});

test('the URL hash keeps tab and toggles across a reload', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.check('#y-total');
  await page.check('#tpot-median');
  await page.click('#tab-latency');
  await page.check('#stat-p99');
  const hash = await page.evaluate(() => window.location.hash);
  assert.match(hash, /tab=latency/);
  assert.match(hash, /y=total/);
  assert.match(hash, /stat=p99/);
  await page.reload();
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  assert.equal(await page.getAttribute('#tab-latency', 'aria-selected'), 'true');
  assert.ok(await page.isChecked('#stat-p99'));
  await page.click('#tab-pareto');
  assert.ok(await page.isChecked('#y-total'));
  assert.ok(await page.isChecked('#tpot-median'));
  await finish(session);
});

test('scheduler tab: a scheduler-log folder dropped alone opens its tab with statistics equal to the truth', async () => {
  const set = path.join(root, 'fixtures', 'scheduler');
  const truth = JSON.parse(fs.readFileSync(path.join(set, 'expected.json'), 'utf8'))['sched-basic'];
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#folder-input', path.join(set, 'runs', 'sched-basic'));
  await waitLoaded(page);
  await page.waitForFunction(() => document.getElementById('tab-sched').getAttribute('aria-selected') === 'true');
  const cards = await page.locator('#sched-cards').innerText();
  assert.match(cards, /60\s+Requests/);
  assert.ok(cards.includes(truth.ttft_ms.mean.toFixed(2)), cards);
  const ttftRow = (await page.locator('#sched-stats tbody tr').first().innerText()).split('\t');
  for (const [cell, key] of [[1, 'mean'], [2, 'p50'], [3, 'p90'], [5, 'p99']]) {
    assert.ok(Math.abs(Number(ttftRow[cell]) - truth.ttft_ms[key]) < 0.006, `TTFT ${key}: ${ttftRow[cell]} vs ${truth.ttft_ms[key]}`);
  }
  // Histogram counts every request; the CDF toggle redraws the same chart as a line ending at 100 %.
  let dist = await chartSeries(page, 'sched-dist');
  assert.equal(dist[0].data.reduce((a, b) => a + b, 0), 60);
  await page.check('#sched-cdf');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('sched-dist')).getOption().series[0].type === 'line');
  dist = await chartSeries(page, 'sched-dist');
  assert.equal(dist[0].data[dist[0].data.length - 1][1], 100);
  await page.selectOption('#sched-metric', { label: 'E2E latency' });
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('sched-dist')).getOption().title[0].text.startsWith('E2E'));
  // Iteration charts: one point per iteration, switchable to elapsed time.
  for (const id of ['sched-batch', 'sched-tokens', 'sched-queues', 'sched-kv', 'sched-iter-time']) {
    const series = await chartSeries(page, id);
    assert.equal(series[0].data.length, truth.iterations, id);
  }
  assert.deepEqual((await chartSeries(page, 'sched-queues')).map((s) => s.name), ['Running', 'Waiting', 'Preempted']);
  await page.check('#sched-x-time');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('sched-kv')).getOption().xAxis[0].name.startsWith('Time'));
  const kvTitle = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('sched-kv')).getOption().title[0].subtext);
  assert.ok(kvTitle.includes(`max ${truth.kv_util_max_pct.toFixed(2)} %`), kvTitle);
  const events = await chartSeries(page, 'sched-events');
  assert.equal(events[0].data.reduce((a, b) => a + b, 0), Object.values(truth.event_counts).reduce((a, b) => a + b, 0));
  // Drill-down: the slowest request's timeline, then another one picked from the table.
  const rows = page.locator('#sched-slowest tbody tr');
  assert.equal(await rows.first().locator('td').first().innerText(), truth.slowest);
  let timeline = await chartSeries(page, 'sched-request');
  assert.ok(timeline.length >= 3, 'waiting, running, … spans');
  await rows.nth(3).click();
  const id = await rows.nth(3).locator('td').first().innerText();
  await page.waitForFunction((id) => window.echarts.getInstanceByDom(document.getElementById('sched-request')).getOption().title[0].text.includes(id), id);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#sched-batch >> xpath=.. >> button:has-text("CSV")')]);
  assert.equal(fs.readFileSync(await csv.path(), 'utf8').trim().split('\n').length, truth.iterations + 1);
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(artifacts, 'scheduler.png'), fullPage: true });
  // The toggles live in the URL hash: reload, drop the same folder, same view.
  const hash = new URL(page.url()).hash;
  for (const part of ['tab=sched', 'scdf=1', 'sx=time', 'smetric=e2e_latency']) assert.ok(hash.includes(part), hash);
  await page.reload();
  await page.setInputFiles('#folder-input', path.join(set, 'runs', 'sched-basic'));
  await waitLoaded(page);
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('sched-dist'))?.getOption().title[0].text === 'E2E latency CDF');
  assert.ok(await page.isChecked('#sched-x-time'));
  await page.click('#tab-runs');
  assert.match(await page.locator('#other-sets').innerText(), /Scheduler logs: .*sched-basic — per_request\.csv \(60 rows\)/);
  await finish(session);
});

test('p2p tab: timeline lanes, a hang found and linked to its line, connections table', async () => {
  const set = path.join(root, 'fixtures', 'p2p-nccl', 'runs');
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#folder-input', path.join(set, 'p2p-ok'));
  await waitLoaded(page);
  await page.waitForFunction(() => document.getElementById('tab-p2p').getAttribute('aria-selected') === 'true');
  const lanes = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('p2p-timeline')).getOption().yAxis[0].data);
  assert.equal(lanes.length, 2);
  assert.ok(lanes[0].startsWith('Rank 0 · prefill') && lanes[1].startsWith('Rank 1 · decode'), lanes.join());
  const series = await chartSeries(page, 'p2p-timeline');
  assert.equal(series.filter((s) => s.name === 'connection (completed)').length, 2);
  assert.equal(series.find((s) => s.name === 'ncclCommInitRank success').data.length, 2);
  assert.match(await page.locator('#p2p-connections tbody').innerText(), /complete\s+5\.00\s+2\.00\s+2\.00\s+2\.00/);
  assert.ok((await page.locator('#p2p-findings').innerText()).includes('Request cmpl-3: 2 kv_cache mismatch'));
  // Load the hang next to it: the findings name the blocked rank and the line it stopped at.
  await page.setInputFiles('#folder-input', path.join(set, 'p2p-hang'));
  await waitLoaded(page);
  await page.click('#tab-p2p');
  await page.waitForSelector('#p2p-set');
  // Log sets are chosen (and kept in the URL) by directory, not by position.
  const hang = await page.evaluate(() => [...document.querySelectorAll('#p2p-set option')].find((o) => o.textContent.endsWith('p2p-hang')).value);
  await page.selectOption('#p2p-set', hang);
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('pset=') && decodeURIComponent(location.hash).includes('p2p-hang'));
  await page.waitForFunction(() => document.querySelector('#p2p-findings li.error'));
  const error = await page.locator('#p2p-findings li.error').first().innerText();
  assert.ok(error.includes('prefill.log:10') && error.includes('never called ncclCommInitRank'), error);
  const blocked = (await chartSeries(page, 'p2p-timeline')).filter((s) => s.name === 'connection (blocked)');
  assert.ok(blocked.length >= 1, 'blocked side drawn');
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(artifacts, 'p2p.png'), fullPage: true });
  await finish(session);
});

test('node metrics: worker logs per worker, by DP rank and for the cluster, mean or sum stated', async () => {
  const logs = path.join(root, 'fixtures', 'worker-logs', 'runs');
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#folder-input', logs);
  await waitLoaded(page);
  await page.click('#tab-nodes');
  const runKey = await page.evaluate(() => [...document.querySelectorAll('#node-run option')].map((o) => o.value).find((v) => v.endsWith('sglang_dp_tp_ep')));
  assert.ok(runKey, 'the DP-attention run is offered');
  await page.selectOption('#node-run', runKey);
  await page.check('#grouping-worker');
  let series = await chartSeries(page, 'node-decode-running');
  assert.deepEqual(series.map((s) => s.name).sort(), ['cn01 decode w0 DP0', 'cn01 decode w0 DP1'], 'one DP-attention file, two DP ranks');
  assert.equal(series[0].data.length, 12);
  await page.check('#grouping-cluster');
  await page.check('#reducer-sum');
  await page.waitForFunction(() => {
    const el = document.getElementById('node-decode-running');
    const c = el && window.echarts.getInstanceByDom(el);
    return c && c.getOption().title[0].subtext.includes('sum of 2');
  });
  series = await chartSeries(page, 'node-decode-running');
  assert.equal(series.length, 1);
  // Generated: DP0 runs 7+i, DP1 runs 8+i requests at second i → sum 15 at t=0.
  assert.equal(series[0].data[0][1], 15);
  assert.ok(await page.locator('#node-decode-kv').count(), 'KV utilisation chart');
  assert.ok(await page.locator('#memory-table tbody tr').count() >= 1, 'memory table');
  await page.waitForTimeout(1200);
  await page.screenshot({ path: path.join(artifacts, 'node-metrics.png'), fullPage: true });
  await finish(session);
});

test('configuration tab: overview, topology, searchable flags and environment of a G2 run', async () => {
  const generations = path.join(root, 'fixtures', 'generations');
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#file-input', path.join(generations, 'generations.tar.gz'));
  await waitLoaded(page);
  await page.click('#tab-config');
  const key = await page.evaluate(() => [...document.querySelectorAll('#config-run option')].map((o) => o.value).find((v) => v.endsWith('outputs/3003')));
  assert.ok(key, 'run 3003 offered');
  await page.selectOption('#config-run', key);
  const overview = await page.locator('#config-overview').innerText();
  assert.match(overview, /NVIDIA GB200/);
  assert.match(overview, /deepseek-ai\/DeepSeek-R1/);
  assert.match(overview, /8192\/1024/);
  const topology = await page.locator('#config-topology').innerText();
  assert.match(topology, /gb-node01\s+prefill/);
  assert.match(topology, /gb-node02\s+decode/);
  assert.match(await page.locator('#config-flags').innerText(), /--enable-dp-attention/);
  await page.fill('#flag-search', 'dp-size');
  const filtered = await page.locator('#config-flags').innerText();
  assert.match(filtered, /--dp-size/);
  assert.doesNotMatch(filtered, /--model-path/);
  // The search finds environment variables too.
  await page.fill('#flag-search', 'ucx');
  await page.waitForFunction(() => !/NCCL/.test(document.querySelector('#config-env').innerText));
  assert.match(await page.locator('#config-env').innerText(), /UCX \(1 vars\)/);
  await page.fill('#flag-search', '');
  const env = await page.locator('#config-env').innerText();
  assert.match(env, /NCCL \(2 vars\)/);
  assert.match(env, /UCX \(1 vars\)/);
  await page.screenshot({ path: path.join(artifacts, 'configuration.png'), fullPage: true });
  await page.click('#tab-nodes');
  await page.selectOption('#node-run', key);
  const prefill = await chartSeries(page, 'node-prefill-input-throughput');
  assert.equal(prefill[0].data.length, 20);
  await finish(session);
});

test('rate match: prefill vs decode on one axis, tokens or requests, average or total', async () => {
  const generations = path.join(root, 'fixtures', 'generations');
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#file-input', path.join(generations, 'generations.tar.gz'));
  await waitLoaded(page);
  await page.click('#tab-rate');
  let series = await chartSeries(page, 'rate-match-chart');
  assert.equal(series.length, 2);
  assert.match(series[0].name, /Prefill input rate \[tokens\/s\] \(1 worker rank\)/);
  assert.match(series[1].name, /\(2 worker ranks\)/);
  await page.check('#rate-sum');
  await page.check('#rate-requests');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('rate-match-chart')).getOption().series[0].name.includes('requests/s'));
  series = await chartSeries(page, 'rate-match-chart');
  assert.ok(Math.abs(series[0].data[0][1] - 40000 / 8192) < 1e-9, 'prefill ÷ ISL');
  assert.ok(Math.abs(series[1].data[0][1] - 3010 / 1024) < 1e-9, 'decode summed over DP ranks ÷ OSL');
  assert.match(await page.locator('#rate-not-applicable').innerText(), /4004/, 'aggregated runs are listed as not applicable');
  assert.match(await page.locator('#rate-facts').innerText(), /4 \/ 8/, 'GPU split');
  // Its generated prefill sustains 1.8× what its decode does: the advisor says so, and the run's
  // health lists it, tied to decode's log.
  const advice = await page.locator('#rate-advice').innerText();
  assert.match(advice, /decode bounds throughput: the other side can take 1\.8× its requests/);
  assert.match(advice, /2P7D would match these rates \(now 1P\/2D\)/);
  const sides = await page.locator('#rate-advice-sides tbody tr').allInnerTexts();
  assert.match(sides[0], /^prefill \(input\)\s+1\s+58050\s+7\.09\s+7\.09\s+.*gb-node01_prefill_w0\.out:\d+/);
  assert.match(sides[1], /^decode \(generation\)\s+2\s+4093\s+2\.00\s+4\.00\s+.*decode_w0\.out:41/);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(artifacts, 'rate-match.png'), fullPage: true });
  await finish(session);
});

test('sidebar: cascading filters keep runs without a value, run list, tags saved with the view', async () => {
  const generations = path.join(root, 'fixtures', 'generations');
  const truth = JSON.parse(fs.readFileSync(path.join(generations, 'expected.json'), 'utf8'));
  const session = await openPage();
  const { page } = session;
  const load = async () => {
    await page.setInputFiles('#file-input', path.join(generations, 'generations.tar.gz'));
    await waitLoaded(page);
  };
  await load();
  assert.equal(await page.locator('#run-list .run-item').count(), truth.runs.length);
  assert.ok(await page.locator('#f-gpu-_none_').count(), 'GPU filter offers (none) for the G0 run');
  await page.uncheck('#f-gpu-gb200');
  await page.waitForFunction(() => document.querySelector('#match-count').innerText.startsWith('4 runs'));
  let jobs = (await paretoSeries(page)).map((s) => jobOf(s.name)).sort();
  assert.deepEqual(jobs, ['1001', '2002', '4004', '8008'], 'gb200 runs filtered out, runs without GPU type and the gb300 run kept');
  await page.click('#filters-reset');
  // Untick a run in the list.
  await page.locator('#run-list .run-item', { hasText: '4004 |' }).locator('input.run-toggle').uncheck();
  jobs = (await paretoSeries(page)).map((s) => jobOf(s.name));
  assert.ok(!jobs.includes('4004'));
  // Tag a run, filter by the tag, find it again after a reload.
  const item = page.locator('#run-list .run-item', { hasText: '3003 |' });
  await item.locator('.tag-input').fill('golden');
  await item.locator('.tag-input').press('Enter');
  await item.locator('.tag-input').fill('golden');
  await item.locator('.tag-input').press('Enter');
  assert.equal(await item.locator('.chip').count(), 1, 'no duplicate tag');
  await page.locator('.filter', { hasText: 'Tags' }).locator('label', { hasText: 'golden' }).locator('input').check();
  jobs = (await paretoSeries(page)).map((s) => jobOf(s.name));
  assert.deepEqual(jobs, ['3003']);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#tags-export')]);
  const tags = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
  assert.deepEqual(tags['3003'], ['golden']);
  assert.match(await page.evaluate(() => window.location.hash), /tag_add=/);
  await page.reload();
  await page.waitForSelector('#load-demo');
  await load();
  jobs = (await paretoSeries(page)).map((s) => jobOf(s.name));
  assert.deepEqual(jobs, ['3003'], 'tags and the tag filter come back with the view');
  await page.screenshot({ path: path.join(artifacts, 'sidebar.png'), fullPage: true });
  await finish(session);
});

test('SLO: each run\'s fastest point meeting it is starred, with its attainment, and kept in the link', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.check('#show-slo');
  await page.waitForSelector('#slo-summary');
  const best = async () => (await chartSeries(page, 'pareto-chart')).find((s) => s.name.startsWith('Best under SLO'));
  let star = await best();
  assert.ok(star, 'a star series');
  assert.ok(star.data.length >= 1, 'at least one run has a point under the default SLO');
  const summary = await page.locator('#slo-summary').innerText();
  assert.match(summary, /TTFT ≤ 2000 ms and TPOT ≤ 50 ms for 90 % of requests/);
  assert.match(summary, /% of \d+ requests met it/, 'per-request rows decide where the file has them');
  for (const run of expected.runs) assert.match(summary, new RegExp(run.job_id), `run ${run.job_id} listed`);
  // A TTFT limit below every point's: no star, and each run says so.
  await page.fill('#slo-ttft', '1');
  await page.dispatchEvent('#slo-ttft', 'change');
  await page.waitForFunction(() => document.querySelector('#slo-summary').innerText.includes('TTFT ≤ 1 ms'));
  star = await best();
  assert.equal(star.data.length, 0);
  assert.match(await page.locator('#slo-summary').innerText(), /no point meets it|can't tell/);
  assert.match(await page.evaluate(() => location.hash), /slo=ttft:1,tpot:50,e2el:,att:0\.9/);
  await page.fill('#slo-ttft', '2000');
  await page.dispatchEvent('#slo-ttft', 'change');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption().series.some((s) => s.name.startsWith('Best under SLO') && (s.data || []).length > 0));
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(artifacts, 'pareto-slo.png'), fullPage: true });
  await finish(session);
});

test('SLO lines on the latency charts: typed or dragged, the objective and its goodput follow, kept in the link', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-latency');
  await page.check('#show-slo');
  const sloLine = async (id) => (await chartSeries(page, id)).find((s) => s.id === 'runlens-slo');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('latency-ttft')).getOption().series.some((s) => s.id === 'runlens-slo'));
  assert.equal((await sloLine('latency-ttft')).data[0][1], 2000);
  assert.equal((await sloLine('latency-tpot')).data[0][1], 50);
  assert.equal(await sloLine('latency-itl'), undefined, 'ITL has no limit');
  assert.equal(await sloLine('latency-e2el'), undefined, 'no E2E limit until one is typed');
  assert.match(await page.locator('#slo-summary').innerText(), /TTFT ≤ 2000 ms and TPOT ≤ 50 ms for 90 % of requests/);
  // Typed: an E2E limit appears as a line on its chart.
  await page.fill('#slo-e2el', '30000');
  await page.dispatchEvent('#slo-e2el', 'change');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('latency-e2el')).getOption().series.some((s) => s.id === 'runlens-slo'));
  assert.match(await page.evaluate(() => location.hash), /slo=ttft:2000,tpot:50,e2el:30000,att:0\.9/);
  // Dragged: the TPOT line taken by the mouse and dropped lower sets a tighter limit.
  const at = await page.evaluate(() => {
    const el = document.getElementById('latency-tpot');
    const chart = window.echarts.getInstanceByDom(el);
    const box = el.getBoundingClientRect();
    const rect = chart.getModel().getComponent('grid', 0).coordinateSystem.getRect();
    return { x: box.left + rect.x + rect.width / 2, y: box.top + chart.convertToPixel({ yAxisIndex: 0 }, 50), bottom: box.top + rect.y + rect.height };
  });
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  const target = at.y + (at.bottom - at.y) / 2;
  for (let i = 1; i <= 10; i++) await page.mouse.move(at.x, at.y + (target - at.y) * i / 10);
  await page.mouse.up();
  await page.waitForFunction(() => !/tpot:50,/.test(location.hash));
  const tpot = Number((await page.evaluate(() => location.hash)).match(/tpot:([0-9.]+)/)[1]);
  assert.ok(tpot > 0 && tpot < 50, `dragged down to ${tpot} ms`);
  assert.equal(Number(await page.inputValue('#slo-tpot')), tpot, 'the box shows the dragged limit');
  await page.waitForFunction((v) => window.echarts.getInstanceByDom(document.getElementById('latency-tpot')).getOption().series.find((s) => s.id === 'runlens-slo').data[0][1] === v, tpot);
  await page.waitForFunction((v) => document.querySelector('#slo-summary').innerText.includes(`TPOT ≤ ${v} ms`), tpot);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(artifacts, 'latency-slo.png'), fullPage: false });
  // The Pareto tab judges by the same objective; a reload keeps it.
  await page.click('#tab-pareto');
  assert.equal(Number(await page.inputValue('#slo-tpot')), tpot);
  await page.reload();
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-latency');
  await page.waitForFunction((v) => { const c = window.echarts.getInstanceByDom(document.getElementById('latency-tpot')); return c && c.getOption().series.some((s) => s.id === 'runlens-slo' && s.data[0][1] === v); }, tpot);
  await finish(session);
});

test('E2E-normalized interactivity on the Pareto X axis, from per-request rows, kept in the link', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.check('#x-e2e-p90');
  await page.waitForFunction(() => document.querySelector('.formula').innerText.includes('E2E interactivity p90 = 1 / p90'));
  const option = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption());
  assert.match(option.xAxis[0].name, /^E2E interactivity p90/);
  const series = await paretoSeries(page);
  for (const run of expected.runs) {
    const s = series.find((x) => jobOf(x.name) === run.job_id);
    assert.ok(s, `run ${run.job_id} plotted`);
    for (const p of run.points) {
      const d = s.data.find((d) => d[2] === p.concurrency);
      assert.ok(d, `${run.job_id}@${p.concurrency}`);
      assert.ok(Math.abs(d[0] - p.e2e_interactivity_p90) <= 1e-5 * p.e2e_interactivity_p90, `E2E interactivity of ${run.job_id}@${p.concurrency}: ${d[0]} vs ${p.e2e_interactivity_p90}`);
    }
  }
  assert.match(await page.evaluate(() => location.hash), /x=e2e-p90/);
  await page.reload();
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  assert.ok(await page.isChecked('#x-e2e-p90'), 'the axis comes back from the link');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(artifacts, 'pareto-e2e-interactivity.png'), fullPage: true });
  await finish(session);
});

test('benchmark windows shaded on node and rate charts, each with its steady state, the ratio kept in the link', async () => {
  const session = await openPage();
  const { page } = session;
  const truth = expected.windows;
  const job = truth.run.replace('outputs/', '');
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-nodes');
  const runKey = await page.evaluate((j) => [...document.querySelectorAll('#node-run option')].find((o) => o.textContent.includes(j)).value, job);
  await page.selectOption('#node-run', runKey);
  await page.waitForFunction((n) => document.querySelectorAll('#steady-table tbody tr').length === n, truth.windows.length, { timeout: 20000 });
  const table = async () => page.evaluate(() => [...document.querySelectorAll('#steady-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText)));
  const near = (text, want, tol, what) => assert.ok(Math.abs(parseFloat(text) - want) <= tol, `${what}: ${text} vs ${want}`);
  let rows = await table();
  truth.windows.forEach((w, i) => {
    const [label, span, stretch] = rows[i];
    assert.equal(label, `c=${w.concurrency}`);
    const [from, to] = span.split('–');
    near(from, w.start_s, 0.51, `${label} from`);
    near(to, w.end_s, 0.51, `${label} to`);
    const [sFrom, sTo] = stretch.split('–');
    near(sFrom, w.steady_start_s, 0.51, `${label} steady from`);
    near(sTo, w.steady_end_s, 0.51, `${label} steady to`);
    const [inWhole, inSteady] = rows[i][5].split(' → ');
    near(inWhole, w.whole_in_flight, 0.051, `${label} in flight`);
    near(inSteady, w.steady_in_flight, 0.051, `${label} steady in flight`);
    const [tpsWhole, tpsSteady] = rows[i][6].split(' → ');
    near(tpsWhole, w.whole_gen_throughput, 0.051, `${label} gen TPS`);
    near(tpsSteady, w.steady_gen_throughput, 0.051, `${label} steady gen TPS`);
    assert.match(rows[i][6], /\(\+\d+\.\d %\)$/, `${label}: steady faster than the window`);
  });
  // Every node chart shades the windows, labelled.
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('node-decode-running')));
  const labels = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('node-decode-running')).getOption()
    .series[0].markArea.data.map((a) => a[0].name).filter((n) => n));
  assert.deepEqual(labels, truth.windows.map((w) => `c=${w.concurrency}`));
  await page.screenshot({ path: path.join(artifacts, 'node-windows.png'), fullPage: true });
  await page.locator('#steady-table').screenshot({ path: path.join(artifacts, 'steady-table.png') });
  await page.locator('.chart-box#node-decode-running').screenshot({ path: path.join(artifacts, 'node-decode-running-windows.png') });
  // A lower ratio takes the second warm-up sample into the steady stretch.
  await page.fill('#steady-ratio', '50');
  await page.dispatchEvent('#steady-ratio', 'change');
  await page.waitForFunction(() => /steady=0\.5/.test(location.hash));
  await page.waitForFunction((want) => parseFloat(document.querySelector('#steady-table tbody tr td:nth-child(3)').innerText) < want - 1, truth.windows[0].steady_start_s);
  rows = await table();
  near(rows[0][2].split('–')[0], truth.windows[0].steady_start_s - 5, 0.51, 'steady start at ratio 0.5');
  await page.reload();
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-nodes');
  assert.equal(await page.inputValue('#steady-ratio'), '50', 'the ratio comes back from the link');
  // Rate Match shades the same windows.
  await page.click('#tab-rate');
  const rateKey = await page.evaluate((j) => [...document.querySelectorAll('#rate-run option')].find((o) => o.textContent.includes(j)).value, job);
  await page.selectOption('#rate-run', rateKey);
  await page.waitForFunction((n) => {
    const c = window.echarts.getInstanceByDom(document.getElementById('rate-match-chart'));
    return c && (c.getOption().series[0].markArea?.data || []).length === n;
  }, truth.windows.length, { timeout: 20000 });
  // The advisor: the demo's prefill input follows its sweep, so the capacities match, and each
  // window has its demand row.
  await page.waitForSelector('#rate-advice-windows tbody tr');
  assert.equal(await page.locator('#rate-advice-windows tbody tr').count(), truth.windows.length);
  assert.match(await page.locator('#rate-advice').innerText(), /matched: the sides' capacities are within/);
  await page.locator('#rate-advice').screenshot({ path: path.join(artifacts, 'rate-advice-demo.png') });
  await finish(session);
});

test('a config dump of megabytes opens its Configuration tab at once, cut to a page of rows, the rest found by search', async () => {
  const session = await openPage();
  const { page } = session;
  const environment = {};
  for (let i = 0; i < 40000; i++) environment[`NCCL_VAR_${String(i).padStart(5, '0')}`] = 'v'.repeat(80);
  const args = {};
  for (let i = 0; i < 2000; i++) args[`flag_${i}`] = i;
  const dump = JSON.stringify({ gpu_info: { count: 4, gpus: [{ name: 'NVIDIA B200' }] }, config: { server_args: args }, environment,
    runtime_info: { command_line_args: ['python3', '-m', 'dynamo.sglang', '--tp-size', '4'] } });
  assert.ok(dump.length > 4e6, `${dump.length} bytes`);
  await page.setInputFiles('#file-input', { name: 'cn01_config.json', mimeType: 'application/json', buffer: Buffer.from(dump) });
  await waitLoaded(page);
  await page.click('#tab-config');
  await page.waitForSelector('#config-env .more-rows', { timeout: 10000 });
  const rows = await page.locator('#config-env tr').count();
  assert.ok(rows <= 300, `${rows} environment rows built`);
  assert.match(await page.locator('#config-env').innerText(), /39700 more not shown/);
  await page.fill('#flag-search', 'NCCL_VAR_39999');
  await page.waitForFunction(() => document.querySelectorAll('#config-env tr').length === 1);
  assert.match(await page.locator('#config-env').innerText(), /NCCL_VAR_39999/);
  await finish(session);
});

test('health: each run\'s lints with file and line in Runs & files, a badge on runs with warnings in the sidebar', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const item = page.locator('#run-list .run-item', { hasText: '4242001 |' });
  const badge = await item.locator('.health-badge').innerText();
  await page.click('#tab-runs');
  const panel = page.locator('#health details.health-run', { hasText: '4242001' });
  const serious = await panel.locator('li.warning, li.error').allInnerTexts();
  assert.equal(badge, `⚠ ${serious.length}`);
  assert.ok(serious.some((t) => /KV cache usage at or above 95% .* — \S*outputs\/4242001\/logs\/gb-node02_decode_w0\.err:\d+$/.test(t)), serious.join('\n'));
  // The aggregated run has only informational lints: listed, no badge.
  assert.equal(await page.locator('#run-list .run-item', { hasText: '4242002 |' }).locator('.health-badge').count(), 0);
  await page.locator('#health').screenshot({ path: path.join(artifacts, 'health.png') });
  await finish(session);
});

test('a picked Pareto point opens Node Metrics zoomed to its window; node charts share crosshair and zoom', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const truth = expected.windows;
  const job = truth.run.replace('outputs/', '');
  const s = (await paretoSeries(page)).find((x) => jobOf(x.name) === job);
  const index = s.data.findIndex((d) => d[2] === 64);
  const [x, y] = await paretoPixel(page, s.name, index);
  await page.mouse.click(x, y);
  await page.click('#ab-nodes-a');
  await page.waitForSelector('#tab-nodes.active');
  const window64 = truth.windows.find((w) => w.concurrency === 64);
  const margin = (window64.end_s - window64.start_s) * 0.1;
  const zoomOf = (id) => page.evaluate((id) => {
    const c = window.echarts.getInstanceByDom(document.getElementById(id));
    const z = c && c.getOption().dataZoom;
    return z && z.length ? { start: z[0].startValue, end: z[0].endValue, group: c.group } : null;
  }, id);
  await page.waitForFunction(() => {
    const c = window.echarts.getInstanceByDom(document.getElementById('node-decode-running'));
    return c && c.getOption().dataZoom?.[0]?.startValue !== undefined;
  }, null, { timeout: 20000 });
  for (const id of ['node-decode-running', 'node-decode-gen-throughput', 'node-prefill-input-throughput']) {
    const z = await zoomOf(id);
    assert.ok(Math.abs(z.start - (window64.start_s - margin)) < 0.01 && Math.abs(z.end - (window64.end_s + margin)) < 0.01, `${id}: ${JSON.stringify(z)}`);
    assert.equal(z.group, 'node-metrics', `${id} is linked`);
  }
  assert.ok(await page.locator('#steady-table tr.focused').innerText().then((t) => t.startsWith('c=64')));
  assert.match(await page.locator('#zoom-covers').innerText(), /covering c=16 \(\d+ %\), c=64 \(100 %\), c=128 \(\d+ %\)\./);
  // Zooming one chart zooms the others (linked), and the page says which windows are in view.
  await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('node-decode-running'))
    .dispatchAction({ type: 'dataZoom', startValue: 300, endValue: 400 }));
  await page.waitForFunction(() => /^In view: 300–400 s, covering c=64 \(45 %\)\.$/.test(document.querySelector('#zoom-covers').innerText));
  const other = await page.evaluate(() => {
    const axis = window.echarts.getInstanceByDom(document.getElementById('node-prefill-input-throughput')).getModel().getComponent('xAxis', 0).axis;
    return axis.scale.getExtent();
  });
  assert.ok(Math.abs(other[0] - 300) < 1 && Math.abs(other[1] - 400) < 1, `linked zoom: ${other}`);
  await page.screenshot({ path: path.join(artifacts, 'node-focus-c64.png'), fullPage: false });
  // Another row's Zoom, then the whole run again.
  await page.locator('#steady-table tbody tr', { hasText: 'c=256' }).locator('button.zoom-window').click();
  await page.waitForFunction((want) => Math.abs(window.echarts.getInstanceByDom(document.getElementById('node-decode-running')).getOption().dataZoom[0].startValue - want) < 0.01,
    truth.windows.find((w) => w.concurrency === 256).start_s - (truth.windows.find((w) => w.concurrency === 256).end_s - truth.windows.find((w) => w.concurrency === 256).start_s) * 0.1);
  await page.click('#zoom-whole-run');
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.getElementById('node-decode-running')).getOption().dataZoom[0].startValue === undefined
    || window.echarts.getInstanceByDom(document.getElementById('node-decode-running')).getOption().dataZoom[0].start === 0);
  await finish(session);
});

test('compare: bootstraps of 10 000 requests per side run in the page, and the page says how long they took', async () => {
  const session = await openPage();
  const { page } = session;
  // Two bench_serving results at one concurrency, 10 000 requests each (seeded noise).
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const result = (scale) => {
    const n = 10000;
    const ttfts = [], itls = [], out = [], inp = [];
    for (let i = 0; i < n; i++) {
      ttfts.push(scale * (0.2 + 0.1 * rand()));
      itls.push([scale * (0.5 + 0.2 * rand())]);
      out.push(100);
      inp.push(1000);
    }
    return Buffer.from(JSON.stringify({ date: '20260101-000000', backend: 'vllm', model_id: 'm', num_prompts: n, completed: n, max_concurrency: 64,
      request_rate: 'inf', duration: 100, total_input_tokens: n * 1000, total_output_tokens: n * 100, request_throughput: 100, output_throughput: 10000 / scale,
      total_token_throughput: 110000 / scale, mean_ttft_ms: 250 * scale, median_ttft_ms: 250 * scale, mean_tpot_ms: 6 * scale, median_tpot_ms: 6 * scale,
      mean_itl_ms: 6 * scale, mean_e2el_ms: 850 * scale, input_lens: inp, output_lens: out, ttfts, itls }));
  };
  await page.setInputFiles('#file-input', [
    { name: 'base_concurrency_64.json', mimeType: 'application/json', buffer: result(1.0) },
    { name: 'cand_concurrency_64.json', mimeType: 'application/json', buffer: result(0.95) },
  ]);
  await waitLoaded(page);
  await page.click('#tab-compare');
  await page.waitForSelector('#compare-timing', { timeout: 30000 });
  await page.waitForFunction(() => /Compared in \d+ ms/.test(document.querySelector('#compare-timing').innerText), null, { timeout: 30000 });
  const timing = await page.locator('#compare-timing').innerText();
  assert.match(timing, /bootstraps of up to 10000 requests per side, 1000 resamples/);
  console.log(`wasm bootstrap timing: ${timing}`);
  await finish(session);
});

test('decode-GPU denominator, per-chart CSV and removing a run', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  const before = (await paretoSeries(page)).find((s) => jobOf(s.name) === '4242001').data.map((d) => d[1]);
  await page.check('#decode-gpus');
  await page.waitForFunction(() => document.querySelector('.formula').innerText.includes('decode GPUs'));
  const after = (await paretoSeries(page)).find((s) => jobOf(s.name) === '4242001').data.map((d) => d[1]);
  // 12 GPUs in all, 8 for decode (2 decode nodes × 4).
  after.forEach((y, i) => assert.ok(Math.abs(y - before[i] * 12 / 8) < 1e-6 * y, 'output TPS per decode GPU'));
  await page.click('#tab-latency');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#latency-ttft >> xpath=.. >> button:has-text("CSV")')]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'run,concurrency,mean_ms');
  assert.equal(lines.length, 1 + expected.runs.reduce((n, r) => n + r.points.length, 0));
  await page.click('#tab-runs');
  await page.locator('#runs-table tr', { hasText: '4242002' }).locator('button.remove-run').click();
  await page.waitForFunction((n) => document.querySelectorAll('#runs-table tbody tr').length === n, expected.runs.length - 1);
  await page.click('#tab-pareto');
  assert.deepEqual((await paretoSeries(page)).map((s) => jobOf(s.name)).sort(),
    expected.runs.map((r) => r.job_id).filter((j) => j !== '4242002').sort());
  await finish(session);
});

test('the demo lights every tab, and the first screen says what can be dropped', async () => {
  const session = await openPage();
  const { page } = session;
  // The first screen: one sentence on what to drop, and the formats generated from the registry.
  assert.match(await page.locator('#drop-hint').innerText(), /Drop a benchmark run folder/);
  await page.click('#what-can-i-drop summary');
  // The list comes from the worker's registry, with its Ready message.
  await page.waitForFunction(() => document.querySelectorAll('#what-can-i-drop li').length >= 12);
  const formats = await page.locator('#what-can-i-drop li').allInnerTexts();
  assert.ok(formats.length >= 12, formats.join('\n'));
  assert.ok(formats.some((f) => f.startsWith('worker-log')) && formats.some((f) => f.startsWith('vllm-scheduler-csv')), formats.join('\n'));
  await page.click('#load-demo');
  await waitLoaded(page);
  const hasCanvas = (sel) => page.waitForFunction((s) => document.querySelector(s)?.querySelector('canvas'), sel, { timeout: 20000 });
  await hasCanvas('#pareto-chart');
  await page.click('#tab-latency');
  await page.waitForFunction(() => document.querySelectorAll('.chart-box canvas').length >= 4);
  await page.click('#tab-nodes');
  await page.waitForFunction(() => document.querySelectorAll('[id^="node-"] canvas').length >= 4, null, { timeout: 20000 });
  const nodeCharts = await page.evaluate(() => [...document.querySelectorAll('.chart-box[id^="node-"]')].map((e) => e.id));
  assert.ok(nodeCharts.includes('node-prefill-input-throughput') && nodeCharts.includes('node-decode-gen-throughput'), nodeCharts.join());
  await page.click('#tab-rate');
  await hasCanvas('#rate-match-chart');
  await page.click('#tab-config');
  await page.waitForSelector('#config-run');
  const disagg = await page.evaluate(() => [...document.querySelectorAll('#config-run option')].find((o) => o.textContent.includes('4242001')).value);
  await page.selectOption('#config-run', disagg);
  await page.waitForFunction(() => document.querySelectorAll('#config-topology tbody tr').length >= 3);
  assert.ok((await page.locator('#config-topology tbody tr').count()) >= 3, 'three physical nodes of the disaggregated run');
  assert.match(await page.locator('#config-flags').innerText(), /disaggregation/);
  assert.match(await page.locator('#config-env').innerText(), /NCCL_IB_HCA/);
  await page.click('#tab-sched');
  await hasCanvas('#sched-dist');
  await page.click('#tab-p2p');
  await hasCanvas('#p2p-timeline');
  await page.waitForSelector('#p2p-findings li.error');
  await page.click('#tab-runs');
  assert.match(await page.locator('#coverage-table').innerText(), /SglangScheduler/);
  assert.match(await page.locator('#coverage-table').innerText(), /VllmEngineStats/);
  await page.screenshot({ path: path.join(artifacts, 'demo-runs-tab.png'), fullPage: true });
  await finish(session);
});

test('the page answers clicks while a large drop is parsed, and shows progress', async () => {
  // ~160 MB of dense SGLang decode lines: long enough to click during the parse.
  const big = path.join(os.tmpdir(), 'runlens-e2e-big_decode_w0.err');
  if (!fs.existsSync(big) || fs.statSync(big).size < 150e6) {
    const line = '[2026-07-01 12:00:00.125 DP0 TP0 EP0] Decode batch, #running-req: 64, #token: 81234, token usage: 0.42, pre-allocated usage: 0.00, #prealloc-req: 0, #transfer-req: 1, cuda graph: True, gen throughput (token/s): 4321.50, #queue-req: 3,\n';
    const chunk = line.repeat(Math.ceil((8 << 20) / line.length));
    const fd = fs.openSync(big, 'w');
    for (let i = 0; i < 20; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  }
  const session = await openPage();
  const { page } = session;
  await page.setInputFiles('#file-input', big);
  await page.waitForSelector('.status.loading .pct');
  const clicked = Date.now();
  await page.click('#tab-latency');
  await page.waitForFunction(() => document.querySelector('#tab-latency').getAttribute('aria-selected') === 'true');
  const answered = Date.now() - clicked;
  const stillLoading = await page.locator('.status.loading').count();
  assert.ok(answered < 1000, `tab switch took ${answered} ms`);
  assert.equal(stillLoading, 1, 'the click was answered while parsing was still running');
  assert.match(await page.locator('.status.loading').innerText(), /MB\/s/);
  await page.waitForSelector('.status.done', { timeout: 120000 });
  await page.click('#tab-runs');
  assert.match(await page.locator('#coverage-table').innerText(), /SglangScheduler/);
  await finish(session);
});

test('compare tab: two runs matched by concurrency, verdicts with their basis, curves, config diff, hash and downloads', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-compare');
  await page.waitForSelector('#compare-baseline');
  const value = (job) => page.evaluate((j) => [...document.querySelectorAll('#compare-baseline option')].find((o) => o.textContent.startsWith(j)).value, job);
  await page.selectOption('#compare-baseline', await value('4242001'));
  await page.selectOption('#compare-candidate', await value('4242002'));
  const groups = await page.evaluate(() => [...document.querySelectorAll('#compare-baseline option')].map((o) => o.textContent));
  assert.ok(groups.some((g) => /^Container .* \(2 runs\)$/.test(g)), `groups by a sidebar field: ${groups.join(' | ')}`);
  await page.check('#compare-all-rows');
  await page.waitForFunction(() => document.querySelectorAll('#compare-table tbody tr').length > 0);
  const table = await page.locator('#compare-table').innerText();
  // 4242001 and 4242002 share concurrencies 4, 16, 64 and 128; 256 is on one side only.
  for (const c of ['c=4', 'c=16', 'c=64', 'c=128']) assert.match(table, new RegExp(`${c}\\b`));
  assert.doesNotMatch(table, /c=256/);
  assert.match(await page.locator('#compare-unmatched').innerText(), /c=256 \(baseline\)/);
  assert.match(table, /Output TPS/);
  assert.match(table, /one summary per side|bootstrap|Welch/, 'every verdict shows its basis');
  const counts = await page.locator('#compare-counts').innerText();
  assert.match(counts, /can't tell/);
  await page.waitForFunction(() => document.querySelector('#compare-frontiers canvas'));
  assert.ok(await page.locator('#compare-config tbody tr').count() >= 1, 'the two runs differ in configuration');
  // Selections live in the hash and come back on reload.
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /cbase=run/);
  assert.match(hash, /ccand=run/);
  assert.match(hash, /call=1/);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#compare-csv')]);
  assert.equal(csv.suggestedFilename(), 'runlens-compare.csv');
  const [md] = await Promise.all([page.waitForEvent('download'), page.click('#compare-md')]);
  const text = fs.readFileSync(await md.path(), 'utf8');
  assert.match(text, /## runlens compare/);
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(artifacts, 'compare.png'), fullPage: true });
  await page.reload();
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.waitForFunction(() => document.querySelectorAll('#compare-table tbody tr').length > 0);
  assert.equal(await page.locator('#compare-table').innerText(), table, 'the same comparison after a reload');
  // The curves' mean heights over a chosen TPS/User range, kept in the hash.
  await page.fill('#compare-range-lo', '30');
  await page.dispatchEvent('#compare-range-lo', 'change');
  await page.fill('#compare-range-hi', '50');
  await page.dispatchEvent('#compare-range-hi', 'change');
  await page.waitForFunction(() => /over TPS\/User 30\.00–50\.00:/.test(document.querySelector('#compare-curve').innerText));
  assert.match(await page.evaluate(() => location.hash), /clo=30&chi=50/);
  // A second candidate: each compared with the baseline, an overview line each, one table with
  // a candidate column, one settings table with a column per candidate; kept in the hash.
  await page.click('#compare-add');
  await page.waitForSelector('#compare-candidate-2');
  await page.waitForSelector('#compare-overview');
  const overview = await page.locator('#compare-overview tbody tr').allInnerTexts();
  assert.equal(overview.length, 2, overview.join('\n'));
  assert.match(overview[0], /^4242002/);
  assert.match(await page.locator('#compare-table thead').innerText(), /^candidate\s+point/);
  assert.equal(await page.locator('#compare-config thead th').count(), 5);
  assert.equal((await page.evaluate(() => location.hash)).match(/ccand=/g).length, 2);
  const second = await page.locator('#compare-candidate-2').inputValue();
  await page.waitForFunction(() => document.querySelector('#compare-frontiers canvas'));
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(artifacts, 'compare-two-candidates.png'), fullPage: true });
  const [csv2] = await Promise.all([page.waitForEvent('download'), page.click('#compare-csv')]);
  assert.match(fs.readFileSync(await csv2.path(), 'utf8'), /^candidate,point,metric,/);
  await page.reload();
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.waitForSelector('#compare-overview');
  assert.equal(await page.locator('#compare-candidate-2').inputValue(), second, 'the second candidate after a reload');
  // Removing a candidate goes back to one comparison.
  await page.click('.candidate-pick:nth-of-type(2) .compare-remove');
  await page.waitForSelector('#compare-counts');
  assert.equal(await page.locator('#compare-candidate-2').count(), 0);
  await finish(session);
});

test('the one-file app works from file:// with no network: demo, a tar.gz upload and every tab', async () => {
  const onefile = path.join(dist, 'runlens.html');
  assert.ok(fs.existsSync(onefile), 'cargo xtask build writes dist/runlens.html');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const network = [];
  const errors = [];
  page.on('request', (r) => { const p = new URL(r.url()).protocol; if (!['data:', 'blob:', 'about:'].includes(p) && r.url() !== `file://${onefile}`) network.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${onefile}`);
  await page.waitForSelector('#load-demo');
  await page.click('#load-demo');
  await waitLoaded(page);
  assertMatchesTruth(await paretoSeries(page));
  // Every tab renders from the one file.
  for (const [tab, sel] of [['latency', '.chart-box canvas'], ['nodes', '[id^="node-"] canvas'], ['rate', '#rate-match-chart canvas'],
    ['config', '#config-run'], ['sched', '#sched-dist canvas'], ['p2p', '#p2p-timeline canvas'], ['compare', '#compare-table'], ['runs', '#runs-table']]) {
    await page.click(`#tab-${tab}`);
    await page.waitForSelector(sel, { timeout: 20000 });
  }
  await page.screenshot({ path: path.join(artifacts, 'onefile.png'), fullPage: true });
  // An archive dropped through the file picker, in a fresh page (the hash would reopen Runs & files).
  await page.goto('about:blank');
  await page.goto(`file://${onefile}`);
  await page.waitForSelector('#file-input', { state: 'attached' });
  await page.setInputFiles('#file-input', path.join(demo, 'demo-runs.tar.gz'));
  await waitLoaded(page);
  assertMatchesTruth(await paretoSeries(page));
  assert.deepEqual(network, [], 'nothing but the file itself, data: and blob: is requested');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('save dataset and save report: both reopen with the same points, the report offline from file:// with its view', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-latency');
  await page.click('#save-dataset');
  const [dataset] = await Promise.all([page.waitForEvent('download'), page.click('#save-confirm')]);
  assert.equal(dataset.suggestedFilename(), 'runlens-dataset.runlens');
  const datasetPath = path.join(os.tmpdir(), `runlens-e2e-${process.pid}.runlens`);
  await dataset.saveAs(datasetPath);
  assert.ok(fs.readFileSync(datasetPath).subarray(0, 18).toString() === 'RUNLENS-DATASET 2\n');
  await page.click('#save-report');
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('#save-confirm')]);
  assert.equal(report.suggestedFilename(), 'runlens-report.html');
  const reportPath = path.join(os.tmpdir(), `runlens-e2e-${process.pid}-report.html`);
  await report.saveAs(reportPath);
  await finish(session);

  // The dataset dropped into a fresh page restores the points and the node metrics.
  const again = await openPage();
  await again.page.setInputFiles('#file-input', datasetPath);
  await waitLoaded(again.page);
  assertMatchesTruth(await paretoSeries(again.page));
  await again.page.click('#tab-nodes');
  await again.page.waitForFunction(() => document.querySelectorAll('[id^="node-"] canvas').length >= 4, null, { timeout: 20000 });
  await finish(again);

  // The report opens from file:// with no network, on the tab it was saved on, every point there.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const rp = await context.newPage();
  const network = [];
  const errors = [];
  rp.on('request', (r) => { const p = new URL(r.url()).protocol; if (!['data:', 'blob:'].includes(p) && r.url() !== `file://${reportPath}`) network.push(r.url()); });
  rp.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  rp.on('pageerror', (e) => errors.push(String(e)));
  await rp.goto(`file://${reportPath}`);
  await waitLoaded(rp);
  assert.match(await rp.evaluate(() => location.hash), /tab=latency/);
  await rp.waitForFunction(() => document.querySelectorAll('.chart-box canvas').length >= 4);
  await rp.waitForTimeout(800);
  await rp.screenshot({ path: path.join(artifacts, 'report-reopened.png'), fullPage: true });
  await rp.click('#tab-pareto');
  assertMatchesTruth(await paretoSeries(rp));
  assert.deepEqual(network, []);
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(datasetPath, { force: true });
  fs.rmSync(reportPath, { force: true });
});

test('save report with redaction: the dialog lists what it replaces, and none of it is left in the file', async () => {
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.click('#tab-nodes');
  await page.click('#save-report');
  await page.waitForSelector('#save-dialog', { state: 'visible' });
  assert.match(await page.locator('#redact-summary').innerText(), /Nothing is replaced/);
  for (const kind of ['hosts', 'ips', 'users', 'paths']) await page.check(`#redact-${kind}`);
  await page.waitForSelector('#redact-plan tbody tr');
  await page.screenshot({ path: path.join(artifacts, 'save-dialog.png') });
  const rows = await page.$$eval('#redact-plan tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.innerText)));
  assert.ok(rows.some(([kind]) => kind === 'hosts'), 'the demo run names its nodes');
  for (const [, original, pseudonym, n] of rows) {
    assert.ok(original.length >= 3 && pseudonym.length > 0);
    assert.ok(Number(n) >= 1, `${original} occurs ${n} times`);
  }
  const summary = await page.locator('#redact-summary').innerText();
  assert.match(summary, new RegExp(`^${rows.length} values \\(.*hosts.*\\) will be replaced, \\d+ occurrences`));
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('#save-confirm')]);
  assert.ok(await page.locator('#save-dialog').isHidden(), 'the dialog closes on save');
  const html = fs.readFileSync(await report.path(), 'utf8');
  const block = html.match(/<script type="application\/octet-stream" id="runlens-report-dataset" data-hash="([^"]*)">([^<]*)<\/script>/);
  assert.ok(block, 'the dataset is embedded');
  const saved = Buffer.from(block[2], 'base64');
  const json = zlib.gunzipSync(saved.subarray(saved.indexOf(10) + 1)).toString('utf8');
  assert.match(block[1], /tab=nodes/);
  for (const [, original, pseudonym] of rows) {
    assert.ok(!json.includes(original), `${original} left in the dataset`);
    assert.ok(!html.includes(original), `${original} left in the report`);
    assert.ok(json.includes(pseudonym), `${pseudonym} in the dataset`);
  }
  // Cancel writes nothing and keeps the page as it was.
  await page.click('#save-dataset');
  await page.click('#save-cancel');
  assert.ok(await page.locator('#save-dialog').isHidden());
  await finish(session);
});

test('?url= loads data from another origin with CORS, and says what to do without it', async () => {
  const archive = fs.readFileSync(path.join(demo, 'demo-runs.tar.gz'));
  const serve = (cors) => http.createServer((req, res) => {
    const headers = { 'Content-Type': 'application/gzip', 'Content-Length': archive.length };
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    res.writeHead(200, headers).end(archive);
  });
  const open = serve(true);
  const closed = serve(false);
  await new Promise((r) => open.listen(0, '127.0.0.1', r));
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  try {
    const session = await openPage();
    const { page } = session;
    const dataUrl = `http://127.0.0.1:${open.address().port}/runs/demo-runs.tar.gz`;
    await page.goto(`${baseUrl}?url=${encodeURIComponent(dataUrl)}#tab=pareto`);
    await waitLoaded(page);
    assertMatchesTruth(await paretoSeries(page));
    assert.match(await page.locator('#save-status').innerText(), /Fetched 1 file/);
    await finish(session);

    const failing = await openPage();
    failing.errors.length = 0;
    await failing.page.goto(`${baseUrl}?url=${encodeURIComponent(`http://127.0.0.1:${closed.address().port}/x.tar.gz`)}`);
    await failing.page.waitForSelector('.status.error', { timeout: 20000 });
    assert.match(await failing.page.locator('.status.error').first().innerText(), /CORS/);
    await failing.context.close();
  } finally {
    open.close();
    closed.close();
  }
});

test('a crashed worker is reported and replaced by a fresh one holding what was loaded', async () => {
  const generations = path.join(root, 'fixtures', 'generations');
  const truth = JSON.parse(fs.readFileSync(path.join(generations, 'expected.json'), 'utf8'));
  const session = await openPage();
  const { page } = session;
  await page.click('#load-demo');
  await waitLoaded(page);
  await page.setInputFiles('#file-input', path.join(generations, 'generations.tar.gz'));
  await page.waitForFunction((n) => document.querySelector('.status.done') && window.echarts.getInstanceByDom(document.getElementById('pareto-chart'))
    ?.getOption().series.filter((s) => !s.name.startsWith('Pareto frontier') && !s.name.startsWith('Target')).length >= n, expected.runs.length + truth.runs.length);
  const before = (await paretoSeries(page)).map((s) => s.name).sort();
  await page.evaluate(() => window.runlensCrashWorker());
  await page.waitForSelector('#worker-crash');
  const notice = await page.locator('#worker-crash').innerText();
  assert.match(notice, /The parser worker crashed while crashing on purpose/);
  assert.match(notice, /reading again what was loaded before/);
  await page.waitForSelector('.status.done', { timeout: 60000 });
  await page.waitForFunction((n) => window.echarts.getInstanceByDom(document.getElementById('pareto-chart'))
    ?.getOption().series.filter((s) => !s.name.startsWith('Pareto frontier') && !s.name.startsWith('Target')).length === n, before.length);
  assert.deepEqual((await paretoSeries(page)).map((s) => s.name).sort(), before, 'the demo and the dropped archive are back');
  // The fresh worker takes new loads; Clear forgets the crash.
  await page.click('text=Clear');
  await page.waitForFunction(() => !document.getElementById('worker-crash'));
  await page.click('#load-demo');
  await waitLoaded(page);
  assertMatchesTruth(await paretoSeries(page));
  // The trap itself may be logged by the browser; nothing else may be.
  session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !/unreachable|RuntimeError|abort/i.test(e)));
  await finish(session);
});

/** A ustar archive of `entries` ({ name: string or Buffer of raw name bytes, data: Buffer }). */
function tarOf(entries) {
  const blocks = [];
  for (const { name, data } of entries) {
    const h = Buffer.alloc(512);
    const raw = Buffer.isBuffer(name) ? name : Buffer.from(name);
    raw.copy(h, 0, 0, Math.min(raw.length, 100));
    h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136); h.write('        ', 148); h.write('0', 156);
    h.write('ustar\0', 257); h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

test('hostile drops in the page: a 400-deep tar, a member name that is not UTF-8, implausible numbers — bounded, reported, the rest kept', async () => {
  const session = await openPage();
  const { page } = session;
  const result = (c, tps) => Buffer.from(JSON.stringify({ date: '20260101-000000', backend: 'vllm', max_concurrency: c, num_prompts: 10, completed: 10,
    duration: 10, request_throughput: 1, output_throughput: tps, total_token_throughput: tps * 2, mean_ttft_ms: 100, median_ttft_ms: 100, mean_tpot_ms: 10, median_tpot_ms: 10 }));
  // 400 tars, each inside the next: the reader stops at its nesting limit and says so.
  let deep = tarOf([{ name: 'deep/results_concurrency_1.json', data: result(1, 100) }]);
  for (let i = 0; i < 400; i++) deep = tarOf([{ name: `level${i}.tar`, data: deep }]);
  // One member's name is not UTF-8; the members after it still count.
  const badName = tarOf([
    { name: Buffer.from([0x72, 0x75, 0x6e, 0x2f, 0xff, 0xfe, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]), data: Buffer.from('{}') },
    { name: 'okrun/results_concurrency_8_gpus_8.json', data: result(8, 800) },
    { name: 'okrun/results_concurrency_16_gpus_8.json', data: result(16, 1e308) },
  ]);
  await page.setInputFiles('#file-input', [
    { name: 'deep.tar', mimeType: 'application/x-tar', buffer: deep },
    { name: 'bad-name.tar', mimeType: 'application/x-tar', buffer: badName },
  ]);
  await waitLoaded(page);
  assert.equal(await page.locator('#worker-crash').count(), 0, 'the worker survived');
  // The readable run is there; its 1e308 point is listed as implausible and kept off the chart.
  const okrun = (await paretoSeries(page)).filter((s) => /results_concurrency/.test(s.name));
  assert.equal(okrun.length, 1, JSON.stringify(await paretoSeries(page)));
  assert.deepEqual(okrun[0].data.map((d) => d[2]), [8]);
  assert.match(await page.locator('#notice-invalid').textContent(), /output_throughput/i);
  await page.click('#tab-runs');
  const problems = await page.locator('#problems').innerText();
  assert.match(problems, /deep\.tar/, problems);
  assert.match(problems, /nest/i, problems);
  // And the page still takes the next load.
  await page.click('#tab-pareto');
  await page.click('#load-demo');
  await waitLoaded(page);
  assert.ok((await paretoSeries(page)).length > expected.runs.length, 'the demo joins what was loaded');
  await finish(session);
});

test('screenshots of every tab at 1280x800 and 1920x1080, light and dark', async () => {
  const shots = path.join(artifacts, 'tabs');
  fs.mkdirSync(shots, { recursive: true });
  for (const [w, h] of [[1280, 800], [1920, 1080]]) {
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(baseUrl);
      await page.click('#load-demo');
      await waitLoaded(page);
      for (const tab of ['pareto', 'latency', 'nodes', 'rate', 'config', 'sched', 'p2p', 'compare', 'runs']) {
        await page.click(`#tab-${tab}`);
        await page.waitForTimeout(tab === 'nodes' ? 1500 : 700);
        await page.screenshot({ path: path.join(shots, `${tab}-${w}x${h}-${scheme}.png`) });
        // Readable at this size: nothing runs off the page sideways (wide tables scroll in their
        // panel), and no chart's PNG/CSV buttons sit over its drawing area (where the title is).
        const layout = await page.evaluate(() => ({
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          covered: Array.from(document.querySelectorAll('figure.chart')).filter((f) => {
            const tools = f.querySelector('.chart-tools');
            const box = f.querySelector('.chart-box');
            if (!tools || !box || tools.offsetParent === null || box.offsetParent === null) return false;
            return tools.getBoundingClientRect().bottom > box.getBoundingClientRect().top + 1;
          }).map((f) => f.querySelector('.chart-box').id),
        }));
        assert.ok(layout.overflow <= 0, `${tab} at ${w}x${h}: page ${layout.overflow}px wider than the window`);
        assert.deepEqual(layout.covered, [], `${tab} at ${w}x${h}: chart buttons over the chart`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});
