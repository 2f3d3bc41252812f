// Browser helpers runlens cannot express well in Rust: walking a dropped folder tree and the
// ECharts glue (init/update/resize/dispose, tooltip formatting, PNG export). Defined as a
// global (window.runlensJs), not an ES module, so the worker build never needs it.
(function () {
  'use strict';

  // Directory readers return entries in batches (Chromium: 100); read until an empty batch.
  function readAll(reader) {
    return new Promise((resolve, reject) => {
      const all = [];
      const next = () => reader.readEntries((batch) => {
        if (batch.length === 0) { resolve(all); } else { all.push(...batch); next(); }
      }, reject);
      next();
    });
  }

  async function walk(entry, prefix, out) {
    const path = prefix ? prefix + '/' + entry.name : entry.name;
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.paths.push(path);
      out.files.push(file);
    } else if (entry.isDirectory) {
      for (const child of await readAll(entry.createReader())) {
        await walk(child, path, out);
      }
    }
  }

  function filesFromDrop(dataTransfer) {
    // Entries must be taken synchronously: the DataTransfer is emptied after the event.
    const entries = [];
    const loose = [];
    for (const item of Array.from(dataTransfer.items || [])) {
      if (item.kind !== 'file') continue;
      const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
      if (entry) entries.push(entry); else { const f = item.getAsFile(); if (f) loose.push(f); }
    }
    if (entries.length === 0 && loose.length === 0) {
      for (const f of Array.from(dataTransfer.files || [])) loose.push(f);
    }
    return (async () => {
      const out = { paths: loose.map((f) => f.name), files: loose.slice() };
      for (const e of entries) await walk(e, '', out);
      return out;
    })();
  }

  function filesFromInput(input) {
    const files = Array.from(input.files || []);
    return { paths: files.map((f) => f.webkitRelativePath || f.name), files };
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function formatNumber(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return escapeHtml(v);
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
  }

  // Tooltip lines from the chart's value dimension names and the point's value array.
  function tooltipFormatter(fields) {
    return (p) => {
      const values = Array.isArray(p.value) ? p.value : [p.value];
      const lines = ['<b>' + escapeHtml(p.seriesName) + '</b>'];
      fields.forEach((name, i) => {
        if (i < values.length) lines.push(escapeHtml(name) + ': ' + formatNumber(values[i]));
      });
      return lines.join('<br>');
    };
  }

  // The data point drawn nearest to pixel (x, y), within `radius` pixels, as
  // { series, index, value }; null when none is that close.
  function nearestPoint(chart, x, y, radius) {
    let best = null;
    let bestDist = radius * radius;
    chart.getOption().series.forEach((s, seriesIndex) => {
      (s.data || []).forEach((d, index) => {
        const value = d && d.value !== undefined ? d.value : d;
        if (!Array.isArray(value) || value[0] == null || value[1] == null) return;
        const px = chart.convertToPixel({ seriesIndex }, [value[0], value[1]]);
        if (!px) return;
        const dist = (px[0] - x) ** 2 + (px[1] - y) ** 2;
        if (dist <= bestDist) { bestDist = dist; best = { series: s.name, index, value }; }
      });
    });
    return best;
  }

  // Legends show every series where they fit: names cut at LEGEND_TEXT_PX (the full name on
  // hover), wrapped onto up to LEGEND_MAX_LINES lines with the plot shrunk to make room; a
  // longer list pages, as before.
  const LEGEND_TEXT_PX = 150;
  const LEGEND_LINE_PX = 22;
  const LEGEND_MAX_LINES = 4;
  let measure;
  function fitLegend(option, width) {
    const legend = Array.isArray(option.legend) ? option.legend[0] : option.legend;
    if (!legend || legend.show === false || legend.orient === 'vertical') return;
    const names = (option.series || []).map((s) => s.name).filter((n) => n);
    if (!names.length || !width) return;
    measure = measure || document.createElement('canvas').getContext('2d');
    measure.font = '12px sans-serif';
    const available = Math.max(120, width - 40);
    let lines = 1;
    let used = 0;
    for (const name of names) {
      const w = Math.min(measure.measureText(name).width, LEGEND_TEXT_PX) + 35;
      if (used > 0 && used + w > available) { lines += 1; used = 0; }
      used += w;
    }
    legend.textStyle = Object.assign({}, legend.textStyle, { width: LEGEND_TEXT_PX, overflow: 'truncate' });
    legend.tooltip = { show: true };
    if (lines > LEGEND_MAX_LINES) return;
    legend.type = 'plain';
    const grid = Array.isArray(option.grid) ? option.grid[0] : option.grid;
    if (grid && typeof grid.bottom === 'number') grid.bottom += (lines - 1) * LEGEND_LINE_PX;
  }

  function chartRender(el, optionJson, tooltipFieldsJson, pick) {
    const option = JSON.parse(optionJson);
    fitLegend(option, el.clientWidth);
    const fields = JSON.parse(tooltipFieldsJson || '[]');
    if (fields.length) option.tooltip = Object.assign({}, option.tooltip || {}, { formatter: tooltipFormatter(fields) });
    let chart = echarts.getInstanceByDom(el);
    if (!chart) {
      chart = echarts.init(el, null, { renderer: 'canvas' });
      const observer = new ResizeObserver(() => { chart.resize(); placeSloHandle(chart, el); });
      observer.observe(el);
      el.__runlensObserver = observer;
      // A click near a data point becomes a DOM event the page listens to (A/B comparison).
      // The nearest point within 16 px is taken, so a click need not hit the symbol exactly.
      chart.getZr().on('click', (e) => {
        if (!el.__runlensPick) return;
        const hit = nearestPoint(chart, e.offsetX, e.offsetY, 16);
        if (hit) el.dispatchEvent(new CustomEvent('runlens-point', { bubbles: true, detail: JSON.stringify(hit) }));
      });
    }
    el.__runlensPick = !!pick;
    // Charts of one group share their crosshair and zoom (Node Metrics' time charts).
    if (option.runlensGroup) {
      chart.group = option.runlensGroup;
      echarts.connect(option.runlensGroup);
      delete option.runlensGroup;
      // The time range in view after a zoom, as a DOM event the page answers (which benchmark
      // windows it covers).
      if (!chart.__runlensZoom) {
        chart.__runlensZoom = true;
        chart.on('datazoom', () => {
          const axis = chart.getModel().getComponent('xAxis', 0).axis;
          const [from, to] = axis.scale.getExtent();
          el.dispatchEvent(new CustomEvent('runlens-zoom', { bubbles: true, detail: JSON.stringify([from, to]) }));
        });
      }
    }
    const drag = option.runlensSloDrag;
    delete option.runlensSloDrag;
    chart.setOption(option, { notMerge: true });
    el.__runlensSloDrag = drag || null;
    placeSloHandle(chart, el);
  }

  // A dashed SLO line the user drags up or down: an invisible band over the line takes the drag;
  // while dragging the line follows (its series moved by id) with the limit shown beside it;
  // on release a `runlens-slo` event carries {chart, value} and the page sets the objective.
  function placeSloHandle(chart, el) {
    const drag = el.__runlensSloDrag;
    if (!drag) return;
    const grid = chart.getModel().getComponent('grid', 0);
    const rect = grid && grid.coordinateSystem && grid.coordinateSystem.getRect();
    const y = chart.convertToPixel({ yAxisIndex: 0 }, drag.value);
    if (!rect || !Number.isFinite(y)) return;
    const series = chart.getOption().series.find((s) => s.id === drag.series);
    const xs = series ? series.data.map((d) => (d && d.value !== undefined ? d.value : d)[0]) : [];
    const valueAt = (py) => {
      const clamped = Math.min(Math.max(py, rect.y), rect.y + rect.height);
      return chart.convertFromPixel({ yAxisIndex: 0 }, clamped);
    };
    let frame = 0;
    chart.setOption({
      graphic: [{
        id: 'runlens-slo-handle',
        type: 'group',
        x: 0,
        y,
        draggable: 'vertical',
        z: 100,
        children: [
          { type: 'rect', shape: { x: rect.x, y: -6, width: rect.width, height: 12 }, style: { fill: 'rgba(192, 57, 43, 0.001)' }, cursor: 'ns-resize' },
          { type: 'text', name: 'label', x: rect.x + rect.width - 4, y: -8, style: { text: '', fill: '#c0392b', font: '12px sans-serif', align: 'right', verticalAlign: 'bottom' } },
        ],
        ondrag() {
          const v = valueAt(this.y);
          const label = this.childOfName('label');
          if (label) label.setStyle('text', `${v.toPrecision(4)} ms`);
          if (frame) return;
          frame = requestAnimationFrame(() => {
            frame = 0;
            chart.setOption({ series: [{ id: drag.series, data: xs.map((x) => [x, valueAt(this.y)]) }] });
          });
        },
        ondragend() {
          const v = valueAt(this.y);
          el.dispatchEvent(new CustomEvent('runlens-slo', { bubbles: true, detail: JSON.stringify({ chart: drag.chart, value: v }) }));
        },
      }],
    });
  }

  function chartDispose(el) {
    const chart = echarts.getInstanceByDom(el);
    if (chart) chart.dispose();
    if (el.__runlensObserver) { el.__runlensObserver.disconnect(); delete el.__runlensObserver; }
  }

  function download(fileName, href) {
    const a = document.createElement('a');
    a.href = href;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function chartDownloadPng(el, fileName) {
    const chart = echarts.getInstanceByDom(el);
    if (chart) download(fileName, chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }));
  }

  function downloadText(fileName, mime, text) {
    const url = URL.createObjectURL(new Blob([text], { type: mime }));
    download(fileName, url);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function downloadBytes(fileName, mime, bytes) {
    const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
    download(fileName, url);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function base64(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(out);
  }

  function say(text, isError) {
    const el = document.getElementById('save-status');
    if (el) { el.textContent = text; el.className = isError ? 'status error' : 'status'; }
  }

  // The report: the one-file app (this page when it is the one-file app, else runlens.html beside
  // the site) with the dataset and the view embedded. Nothing is uploaded anywhere.
  async function saveReport(bytes, hash) {
    let html = window.runlensOneFileHtml;
    if (!html) {
      try {
        const r = await fetch('./runlens.html');
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        html = await r.text();
      } catch (e) {
        say(`Cannot save a report: the one-file app runlens.html is not beside this page (${e.message}). Build it with cargo xtask build, or save the dataset instead.`, true);
        return;
      }
    }
    html = html.replace(/<script type="application\/octet-stream" id="runlens-report-dataset"[^>]*>[^<]*<\/script>\n?/, '');
    const safeHash = String(hash).replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' }[c]));
    const block = `<script type="application/octet-stream" id="runlens-report-dataset" data-hash="${safeHash}">${base64(bytes)}</script>\n`;
    const at = html.lastIndexOf('</head>');
    html = html.slice(0, at) + block + html.slice(at);
    downloadBytes('runlens-report.html', 'text/html', new TextEncoder().encode(html));
    say(`Report saved: ${(html.length / 1e6).toFixed(1)} MB, the dataset ${(bytes.length / 1e6).toFixed(2)} MB of it.`, false);
  }

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(location.href);
      say('Link copied: it holds the view, not the data (the recipient drops the same files, or opens a saved report).', false);
    } catch (e) {
      say(`Copy this link: ${location.href}`, false);
    }
  }

  function locationHash() { return location.hash; }

  // `?url=…` (several allowed): the data to fetch, each an archive, a file, a .runlens dataset or
  // a report. The page's Content-Security-Policy allows connections to exactly these origins.
  function urlsToLoad() {
    return new URLSearchParams(location.search).getAll('url').filter((u) => u.trim() !== '');
  }

  // Fetch them with streaming progress (MB and MB/s in #save-status); resolves to {paths, files}
  // for the worker, or rejects with a message saying what happened and how to fix it.
  async function fetchUrls(urls) {
    const paths = [];
    const files = [];
    for (const u of urls) {
      const url = new URL(u, location.href);
      const name = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() || url.hostname);
      let response;
      try {
        response = await fetch(url, { credentials: 'omit' });
      } catch (e) {
        throw new Error(`Cannot fetch ${url.href}: ${e.message}. The server must allow this page with CORS (Access-Control-Allow-Origin), or download the file and drop it here.`);
      }
      if (!response.ok) throw new Error(`Cannot fetch ${url.href}: HTTP ${response.status} ${response.statusText}.`);
      const total = Number(response.headers.get('content-length')) || 0;
      const reader = response.body.getReader();
      const chunks = [];
      let done = 0;
      const started = performance.now();
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        chunks.push(value);
        done += value.length;
        const secs = Math.max((performance.now() - started) / 1000, 1e-3);
        say(`Fetching ${name}: ${(done / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB at ${(done / 1e6 / secs).toFixed(1)} MB/s`, false);
      }
      paths.push(name);
      files.push(new File(chunks, name));
    }
    say(`Fetched ${files.length} file(s) from the given URLs.`, false);
    return { paths, files };
  }

  window.runlensJs = { filesFromDrop, filesFromInput, chartRender, chartDispose, chartDownloadPng, downloadText, downloadBytes, saveReport, copyLink, locationHash, urlsToLoad, fetchUrls, readAllEntries: readAll };
})();
