// The stockhub data-flow page's building blocks, loaded before app.js (classic scripts share one
// scope): DOM helpers, number and age formatting, and the thresholds that colour each value.
// Values from the hub are only ever set as text, never parsed as HTML.
'use strict';

// --- DOM helpers -------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function replace(id, ...nodes) {
  document.getElementById(id).replaceChildren(...nodes);
}

function table(headers, rows, testid) {
  return h(
    'table',
    { 'data-testid': testid },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { class: x.num ? 'num' : null }, x.label || x)))),
    h('tbody', {}, rows),
  );
}

const dot = (level) => h('span', { class: `dot ${level}` });
const unavailable = (section) => h('div', { class: 'unavailable' }, `unavailable: ${section.error}`);
const node = (level, name, value, testid) => h('div', { class: `node ${level}`, 'data-testid': testid }, h('div', { class: 'name' }, name), h('div', { class: 'value' }, value));

// --- formatting and thresholds -----------------------------------------------------------------

function age(seconds) {
  if (seconds === null || seconds === undefined) return 'never';
  if (seconds < 1) return 'now';
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

const num = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }));
// sv-SE writes local time as YYYY-MM-DD hh:mm:ss: sortable, and unambiguous in any ops room.
const time = (iso) => (iso ? new Date(iso).toLocaleString('sv-SE') : '–');

function lagLevel(group) {
  if (group.error) return 'unknown';
  if (group.state === 'Empty' || group.state === 'Dead') return 'bad';
  if (group.lag === null) return 'unknown';
  if (group.lag >= 10000) return 'bad';
  if (group.lag >= 100) return 'warn';
  return 'ok';
}

function connectorLevel(c) {
  const states = [c.state, ...c.tasks.map((t) => t.state)];
  if (states.some((s) => s === 'FAILED' || s === 'UNASSIGNED')) return 'bad';
  if (states.every((s) => s === 'RUNNING')) return 'ok';
  return 'warn';
}

// A quiet system is not necessarily a broken one (the WMS sleeps at night): amber after 15 min.
const silenceLevel = (seconds) => (seconds === null || seconds === undefined ? 'unknown' : seconds < 900 ? 'ok' : 'warn');

function queueLevel(queue) {
  if (queue.due === 0) return 'ok';
  if (queue.oldestAgeSeconds !== null && queue.oldestAgeSeconds > 300) return 'bad';
  if (queue.oldestAgeSeconds !== null && queue.oldestAgeSeconds > 30) return 'warn';
  return 'ok';
}

// Debezium's lag behind the source: the design's propagation target is seconds.
const behindLevel = (ms) => (ms === null || ms === undefined ? 'unknown' : ms < 5000 ? 'ok' : ms < 60000 ? 'warn' : 'bad');
const captureOf = (flow, c) => (flow.capture && flow.capture.status === 'ok' && c.topicPrefix ? flow.capture.data[c.topicPrefix] : undefined);
function behindText(flow, c) {
  if (!flow.capture || flow.capture.status !== 'ok') return 'metrics unavailable';
  const m = captureOf(flow, c);
  if (!m || m.behindSourceMs === null) return 'no change captured yet';
  return m.behindSourceMs < 1000 ? `${num(m.behindSourceMs)} ms` : `${(m.behindSourceMs / 1000).toFixed(1)} s`;
}
function queueText(flow, c) {
  const m = captureOf(flow, c);
  return m && m.queueRemaining !== null && m.queueTotal ? `${num(m.queueTotal - m.queueRemaining)} / ${num(m.queueTotal)}` : '–';
}

const circuitLevel = (circuit) => ({ closed: 'ok', 'half-open': 'warn', open: 'bad' })[circuit] || 'unknown';
