// The stockhub data-flow page: polls GET /v1/ops/flow and renders it; GET /v1/ops/sku/:sku for
// the SKU trail, with the helpers of view.js. Plain browser JavaScript, no build step and
// nothing loaded from elsewhere.
// Values from the hub are only ever set as text, never parsed as HTML.
'use strict';

const TOKEN_KEY = 'stockhub.opsToken';
// Relative to /dashboard/, so the page keeps working behind a proxy that adds a path prefix.
const API = new URL('../v1/ops/', window.location.href);
const SYSTEMS = ['ERP', 'WMS', 'PDV', 'SHOPIFY', 'HUB'];

let refreshMs = 2000;
let timer = null;

// --- token -------------------------------------------------------------------------------------

// A wall screen can be set up with /dashboard/#token=...: the fragment never reaches the server
// or its logs, and it is removed from the address bar once stored.
(function tokenFromFragment() {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match) {
    localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
})();

const token = () => localStorage.getItem(TOKEN_KEY) || '';

async function getJson(path) {
  const response = await fetch(new URL(path, API), { headers: { authorization: `Bearer ${token()}` }, cache: 'no-store' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

// --- panels ------------------------------------------------------------------------------------

function renderSystems(flow) {
  const s = flow.systems;
  if (s.status !== 'ok') return replace('systems', unavailable(s));
  const capped = s.data.some((x) => x.rateCapped);
  replace(
    'systems',
    table(
      ['system', { label: 'movements/s', num: true }, { label: 'last 60 s', num: true }, 'last event', 'what'],
      s.data.map((x) =>
        h(
          'tr',
          { 'data-system': x.system },
          h('td', {}, dot(silenceLevel(x.lastEvent && x.lastEvent.ageSeconds)), x.system),
          h('td', { class: 'num' }, `${capped ? '≥ ' : ''}${num(x.perSecond)}`),
          h('td', { class: 'num' }, num(x.lastMinute)),
          h('td', { title: x.lastEvent ? `occurred ${x.lastEvent.occurredAt}, applied ${x.lastEvent.appliedAt}` : '' }, x.lastEvent ? age(x.lastEvent.ageSeconds) : 'none in the recent ledger'),
          h('td', { class: 'mono wrap' }, x.lastEvent ? `${x.lastEvent.type} ${x.lastEvent.sku}@${x.lastEvent.locationId} ${x.lastEvent.document || ''}` : ''),
        ),
      ),
      'systems-table',
    ),
  );
}

function renderCapture(flow) {
  const c = flow.connectors;
  replace(
    'connectors',
    c.status !== 'ok'
      ? unavailable(c)
      : table(
          ['connector', 'state', 'tasks', 'topic prefix', 'behind source', 'queue'],
          c.data.map((x) =>
            h(
              'tr',
              { 'data-connector': x.name },
              h('td', {}, dot(connectorLevel(x)), x.name),
              h('td', {}, x.state),
              h('td', { class: 'wrap' }, x.tasks.map((t) => `#${t.id} ${t.state}${t.trace ? `: ${t.trace}` : ''}`).join(', ') || 'no tasks'),
              h('td', { class: 'mono' }, x.topicPrefix || '–'),
              h('td', { class: 'num', 'data-behind': '' }, dot(behindLevel(captureOf(flow, x) && captureOf(flow, x).behindSourceMs)), behindText(flow, x)),
              h('td', { class: 'num' }, queueText(flow, x)),
            ),
          ),
          'connectors-table',
        ),
  );
  const r = flow.rawTopics;
  replace(
    'raw-topics',
    r.status !== 'ok'
      ? unavailable(r)
      : table(
          ['raw topic', 'system', { label: 'records', num: true }, { label: 'records/s', num: true }, 'last record'],
          r.data.map((x) =>
            h('tr', {}, h('td', { class: 'mono' }, x.topic), h('td', {}, x.system), h('td', { class: 'num' }, num(x.endOffset)), h('td', { class: 'num' }, num(x.perSecond)), h('td', {}, x.endOffset === 0 ? 'empty' : age(x.ageSeconds))),
          ),
          'raw-topics-table',
        ),
  );
}

function renderGroups(flow) {
  const g = flow.consumerGroups;
  if (g.status !== 'ok') return replace('groups', unavailable(g));
  const rows = [];
  for (const group of g.data) {
    const topics = group.topics.length > 0 ? group.topics : [{ topic: '–', lag: null, uncommittedPartitions: 0 }];
    topics.forEach((t, i) =>
      rows.push(
        h(
          'tr',
          { 'data-group': group.group },
          h('td', { class: 'wrap' }, i === 0 ? [dot(lagLevel(group)), group.group] : ''),
          h('td', {}, i === 0 ? `${groupState(group)}${group.members !== null ? ` (${group.members})` : ''}` : ''),
          h('td', {}, i === 0 ? (group.offsetsIn === 'postgresql' ? 'PostgreSQL' : 'Kafka') : ''),
          h('td', { class: 'mono' }, t.topic),
          h('td', { class: 'num' }, t.lag === null ? (group.error ? 'unavailable' : '–') : num(t.lag)),
          h('td', { class: 'wrap' }, group.error && i === 0 ? group.error : t.uncommittedPartitions > 0 ? `${t.uncommittedPartitions} partition(s) without offsets` : ''),
        ),
      ),
    );
  }
  replace('groups', table(['group', 'state (members)', 'offsets in', 'topic', { label: 'lag', num: true }, ''], rows, 'groups-table'));
}

function renderChannels(flow) {
  const rows = [];
  const { queue, channel } = flow.shopify;
  rows.push(
    h('tr', {}, h('th', {}, 'Shopify push queue'), h('td', { 'data-testid': 'shopify-queue' }, queue.status === 'ok' ? [dot(queueLevel(queue.data)), `${num(queue.data.due)} due`, queue.data.due > 0 ? `, oldest ${age(queue.data.oldestAgeSeconds)}` : ''] : `unavailable (${queue.error})`)),
  );
  if (queue.status === 'ok') {
    // A parked level is one Shopify kept refusing: it is not pushed until someone retries it.
    const parked = queue.data.newestParked.map((p) => h('div', { class: 'wrap' }, `${p.sku}@${p.location} (${p.attempts} attempts, ${age(Math.max(0, (Date.now() - Date.parse(p.parkedAt)) / 1000))} ago): ${p.reason || 'no reason'}`));
    rows.push(
      h(
        'tr',
        {},
        h('th', {}, 'Shopify parked levels'),
        h('td', { 'data-testid': 'shopify-parked' }, dot(queue.data.parked > 0 ? 'warn' : 'ok'), `${num(queue.data.parked)} parked`, queue.data.parked > 0 ? ' · retry: stockhub-shopify-parked retry --sku S' : '', parked),
      ),
    );
  }
  if (channel.status === 'ok') {
    const c = channel.data;
    rows.push(h('tr', {}, h('th', {}, 'Shopify throttle'), h('td', { 'data-testid': 'shopify-throttle' }, c.throttleAvailable === null ? 'unknown' : `${num(c.throttleAvailable)} / ${num(c.throttleMaximum)} points`)));
    rows.push(h('tr', {}, h('th', {}, 'Shopify circuit'), h('td', { 'data-testid': 'shopify-circuit' }, dot(circuitLevel(c.circuit)), c.circuit || 'unknown')));
    rows.push(h('tr', {}, h('th', {}, 'Shopify channel queue'), h('td', {}, c.pushQueue === null ? 'unknown' : num(c.pushQueue))));
  } else {
    rows.push(h('tr', {}, h('th', {}, 'Shopify throttle'), h('td', { 'data-testid': 'shopify-throttle', title: channel.error }, 'unknown (channel not reachable)')));
    rows.push(h('tr', {}, h('th', {}, 'Shopify circuit'), h('td', { 'data-testid': 'shopify-circuit', title: channel.error }, dot('unknown'), 'unknown')));
  }
  const st = flow.stores;
  rows.push(
    h('tr', {}, h('th', {}, 'Store feeds connected'), h('td', { 'data-testid': 'stores' }, st.status === 'ok' ? `${st.data.connected}${st.data.connected > 0 ? `: ${st.data.stores.map((x) => x.store).join(', ')}` : ''}` : 'unavailable')),
  );
  const d = flow.dlq;
  rows.push(h('tr', {}, h('th', {}, 'Dead letters (every stage; bin/stockhub-dlq list)'), h('td', { 'data-testid': 'dlq' }, d.status === 'ok' ? [dot(d.data.messages === 0 ? 'ok' : 'warn'), num(d.data.messages)] : `unavailable (${d.error})`)));
  if (d.status === 'ok') for (const t of d.data.topics) rows.push(h('tr', {}, h('td', {}, `  ${t.topic}`), h('td', {}, [dot(t.messages === 0 ? 'ok' : 'warn'), num(t.messages)])));
  replace('channels', h('table', { 'data-testid': 'channels-table' }, h('tbody', {}, rows)));
}

const groupsLike = (flow, stage) => (flow.consumerGroups.status === 'ok' ? flow.consumerGroups.data.filter((g) => g.stage === stage) : []);
const groupState = (g) => g.state || 'no group in Kafka';
const groupNode = (g) => node(lagLevel(g), g.group.replace(/^stockhub-/, ''), `lag ${num(g.lag)} · ${groupState(g)}`, `node-group-${g.group}`);

function renderStrip(flow) {
  const systems = flow.systems.status === 'ok' ? flow.systems.data : [];
  replace(
    'stage-sources',
    ...SYSTEMS.map((name) => {
      const s = systems.find((x) => x.system === name);
      return node(s ? silenceLevel(s.lastEvent && s.lastEvent.ageSeconds) : 'unknown', name, s ? `${num(s.perSecond)}/s · ${s.lastEvent ? age(s.lastEvent.ageSeconds) : 'no events'}` : 'unavailable', `node-source-${name}`);
    }),
  );

  const capture = [];
  if (flow.connectors.status === 'ok') {
    for (const c of flow.connectors.data) {
      const raw = flow.rawTopics.status === 'ok' && c.topicPrefix ? flow.rawTopics.data.filter((t) => t.topic.startsWith(`${c.topicPrefix}.`)) : [];
      const newest = raw.map((t) => t.ageSeconds).filter((a) => a !== null).sort((a, b) => a - b)[0];
      capture.push(node(connectorLevel(c), c.name, `${c.state}${captureOf(flow, c) && captureOf(flow, c).behindSourceMs !== null ? ` · ${behindText(flow, c)} behind` : ''} · last record ${age(newest === undefined ? null : newest)}`, `node-connector-${c.name}`));
    }
  } else capture.push(node('unknown', 'Debezium', 'Connect unavailable', 'node-connect'));
  if (flow.rawTopics.status === 'ok') {
    for (const t of flow.rawTopics.data.filter((x) => x.system === 'PDV' || x.system === 'SHOPIFY')) {
      capture.push(node('ok', t.system === 'PDV' ? 'PDV ingest' : 'Shopify webhooks', `${num(t.perSecond)}/s · last ${t.endOffset === 0 ? 'never' : age(t.ageSeconds)}`, `node-raw-${t.system}`));
    }
  }
  replace('stage-capture', ...capture);

  const normalise = groupsLike(flow, 'normalise').map((g) => groupNode(g));
  if (flow.consumerGroups.status !== 'ok') normalise.push(node('unknown', 'sinks', 'Kafka unavailable', 'node-sinks'));
  else if (normalise.length === 0) normalise.push(node('unknown', 'sinks', 'no consumer group on the raw topics', 'node-sinks'));
  normalise.push(node(flow.dlq.status !== 'ok' ? 'unknown' : flow.dlq.data.messages === 0 ? 'ok' : 'warn', 'dead letters', flow.dlq.status === 'ok' ? num(flow.dlq.data.messages) : 'unavailable', 'node-dlq'));
  replace('stage-normalise', ...normalise);

  const reconciler = groupsLike(flow, 'reconcile')[0];
  const applied = systems.reduce((sum, s) => sum + s.perSecond, 0);
  replace(
    'stage-reconcile',
    node(reconciler ? lagLevel(reconciler) : 'unknown', 'reconciler', reconciler ? `lag ${num(reconciler.lag)} · ${groupState(reconciler)}` : 'unavailable', 'node-reconciler'),
    node(flow.systems.status === 'ok' ? 'ok' : 'unknown', 'ledger', flow.systems.status === 'ok' ? `${num(applied)} movements/s applied` : 'unavailable', 'node-ledger'),
  );

  const channels = [];
  const q = flow.shopify.queue;
  const c = flow.shopify.channel;
  const queued = q.status === 'ok' ? queueLevel(q.data) : 'unknown';
  const shopifyLevel = c.status === 'ok' && c.data.circuit === 'open' ? 'bad' : queued === 'ok' && q.data.parked > 0 ? 'warn' : queued;
  channels.push(node(shopifyLevel, 'Shopify', `${q.status === 'ok' ? `${num(q.data.due)} due${q.data.parked > 0 ? ` · ${num(q.data.parked)} parked` : ''}` : 'queue unavailable'} · circuit ${c.status === 'ok' ? c.data.circuit || 'unknown' : 'unknown'}`, 'node-shopify'));
  channels.push(node(flow.stores.status === 'ok' ? 'ok' : 'unknown', 'store feeds', flow.stores.status === 'ok' ? `${flow.stores.data.connected} stores connected` : 'unavailable', 'node-stores'));
  // The ERP write-back and the Shopify channel, as consumers of the hub's topics.
  channels.push(...groupsLike(flow, 'channel').map((g) => groupNode(g)));
  replace('stage-channels', ...channels);
}

function render(flow) {
  renderStrip(flow);
  renderSystems(flow);
  renderCapture(flow);
  renderGroups(flow);
  renderChannels(flow);
  const sections = [flow.systems, flow.connectors, flow.capture, flow.rawTopics, flow.consumerGroups, flow.dlq, flow.shopify.queue, flow.stores];
  const down = sections.filter((s) => s.status !== 'ok').length;
  document.getElementById('footer').textContent = `stockhub ops · refreshes every ${refreshMs / 1000} s · no external resources`;
  setStatus(down === 0 ? 'ok' : 'warn', `updated ${new Date(flow.generatedAt).toLocaleTimeString('en-GB')}${down > 0 ? ` · ${down} source(s) unavailable` : ''}`);
}

function setStatus(level, text) {
  const el = document.getElementById('status');
  el.className = `pill ${level}`;
  el.textContent = text;
}

// --- refresh loop ------------------------------------------------------------------------------

async function refresh() {
  clearTimeout(timer);
  try {
    const flow = await getJson('flow');
    refreshMs = flow.refreshMs || refreshMs;
    render(flow);
  } catch (error) {
    if (error.status === 401 || error.status === 403) setStatus('bad', `${error.message}: enter an ops token`);
    else setStatus('bad', `flow unavailable: ${error.message}`);
  }
  timer = setTimeout(refresh, refreshMs);
}

// --- SKU trail ---------------------------------------------------------------------------------

function effectText(e) {
  const change = e.type === 'COUNT' ? `count ${num(e.countedQuantity)}` : num(e.quantity);
  return `${change}${e.effect === 'stale' ? ' (stale)' : ''}`;
}

async function searchSku(sku) {
  const out = document.getElementById('sku-result');
  out.replaceChildren(h('div', { class: 'unavailable' }, `looking up ${sku}…`));
  try {
    const view = await getJson(`sku/${encodeURIComponent(sku)}`);
    const levels =
      view.levels.length === 0
        ? h('div', { class: 'unavailable' }, `no level for ${view.sku} at any location`)
        : table(
            ['location', { label: 'on hand', num: true }, { label: 'reserved', num: true }, { label: 'safety', num: true }, { label: 'available', num: true }, { label: 'version', num: true }, 'updated'],
            view.levels.map((l) =>
              h('tr', { 'data-location': l.locationId }, h('td', {}, l.locationId), h('td', { class: 'num' }, num(l.onHand)), h('td', { class: 'num' }, num(l.reserved)), h('td', { class: 'num' }, num(l.safetyStock)), h('td', { class: l.available < 0 ? 'num bad' : 'num' }, num(l.available)), h('td', { class: 'num' }, l.version), h('td', {}, time(l.updatedAt))),
            ),
            'sku-levels',
          );
    const trail =
      view.trail.length === 0
        ? h('div', { class: 'unavailable' }, 'no ledger rows')
        : h(
            'div',
            { class: 'sku-scroll' },
            table(
              ['applied', 'occurred', 'location', 'type', { label: 'quantity', num: true }, 'on hand', 'source', 'document', 'line', 'position', 'Kafka topic/partition@offset'],
              view.trail.map((e) =>
                h(
                  'tr',
                  { 'data-seq': e.seq, title: e.eventId },
                  h('td', {}, time(e.appliedAt)),
                  h('td', {}, time(e.occurredAt)),
                  h('td', {}, e.locationId),
                  h('td', {}, e.type),
                  h('td', { class: 'num' }, effectText(e)),
                  h('td', { class: e.wentNegative ? 'bad' : null }, `${num(e.onHandBefore)} → ${num(e.onHandAfter)}`),
                  h('td', {}, `${e.source.system}/${e.source.instance}`),
                  h('td', { class: 'mono' }, e.source.document || '–'),
                  h('td', { class: 'mono' }, e.source.line || '–'),
                  h('td', { class: 'mono' }, e.source.position || '–'),
                  h('td', { class: 'mono' }, e.kafka ? `${e.kafka.topic}/${e.kafka.partition}@${e.kafka.offset}` : 'hub (no Kafka record)'),
                ),
              ),
              'sku-trail',
            ),
          );
    out.replaceChildren(h('h3', { class: 'mono' }, view.sku), levels, trail);
  } catch (error) {
    out.replaceChildren(h('div', { class: 'unavailable' }, `lookup failed: ${error.message}`));
  }
}

// --- wiring ------------------------------------------------------------------------------------

document.getElementById('token').value = token();
document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem(TOKEN_KEY, document.getElementById('token').value.trim());
  refresh();
});
document.getElementById('sku-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const sku = document.getElementById('sku-input').value.trim();
  if (sku !== '') searchSku(sku);
});
refresh();
