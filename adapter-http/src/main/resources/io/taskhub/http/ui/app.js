// Taskhub dashboard: a single page over the server's public HTTP API (the Durable Functions routes and
// /taskhub/v1). It has no private route and decides no lifecycle rule itself: every action is offered, and
// what the server refuses is shown with the server's reason. Views live in the URL's fragment, the task hub
// in its query (?taskHub=), so that a link reproduces what its sender saw.

const WEBHOOK = '/runtime/webhooks/durabletask';
const NATIVE = '/taskhub/v1';
const KEY_STORAGE = 'taskhub.apiKey';
const STATUSES = ['Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Terminated', 'ContinuedAsNew', 'Canceled'];
const FINISHED = ['Completed', 'Failed', 'Terminated', 'Canceled'];
const TIME_FILTERS = ['createdTimeFrom', 'createdTimeTo', 'lastUpdatedTimeFrom', 'lastUpdatedTimeTo'];
const TEXT_FILTERS = ['name', 'instanceIdPrefix', 'customStatus', 'parentInstanceId'];
const PAGE_SIZES = [20, 50, 100, 500];
const REFRESH_MS = 5000;
const PAYLOAD_SHOWN = 20000; // characters of a payload shown before it is cut, with a download link
const JOB_ORCHESTRATOR = 'TaskhubBulkJob';
const CHILDREN_SHOWN = 100;
const BULK_OPERATIONS = [
  ['terminate', 'Terminate'], ['suspend', 'Suspend'], ['resume', 'Resume'], ['rewind', 'Rewind'],
  ['purge', 'Purge'], ['raiseEvent', 'Raise event'],
];

const taskHub = new URLSearchParams(location.search).get('taskHub') || '';
const main = document.getElementById('main');

// ---- page-wide state, reset on every navigation -------------------------------------------------------------

let pageGeneration = 0; // a view's late answers are dropped once another view was opened
let refreshTimer = null;
let refreshSchedule = 0; // only the newest schedule goes on: a replaced one stops at its next tick
let lastAction = null; // {instanceId, node}: the answer to the last action, kept while its page re-renders
let actionsAnswered = 0; // an action's delayed re-render is dropped once a newer action was answered

/** Runs {@code task} every {@code ms} (not while a dialog is open) until stopped, replaced or the view changes. */
function startRefresh(task, ms) {
  stopRefresh();
  const schedule = refreshSchedule;
  const generation = pageGeneration;
  const current = () => schedule === refreshSchedule && generation === pageGeneration;
  const tick = async () => {
    if (!current()) return;
    if (!document.querySelector('dialog[open]')) {
      try { await task(); } catch (e) { reportFailure(e); }
    }
    if (current()) refreshTimer = setTimeout(tick, ms);
  };
  refreshTimer = setTimeout(tick, ms);
}

function stopRefresh() {
  refreshSchedule++;
  if (refreshTimer !== null) clearTimeout(refreshTimer);
  refreshTimer = null;
}

// ---- DOM ------------------------------------------------------------------------------------------------------

/** h('a', {href: '#', class: 'x', onclick: f}, 'text', child…): an element; null and false children are skipped. */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function show(...nodes) {
  main.replaceChildren(...nodes.flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false));
}

function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.textContent = ''; }, 6000);
}

function badge(status) {
  const span = h('span', {class: 'badge', text: status});
  span.style.background = `var(--${status}, #777)`;
  return span;
}

function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

function time(iso) {
  return iso ? h('time', {datetime: iso, title: iso, text: formatTime(iso)}) : '';
}

function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(ms / 3600000)} h ${Math.round((ms % 3600000) / 60000)} min`;
}

// ---- the API ---------------------------------------------------------------------------------------------------

class Unauthorized extends Error {}

/** One request to the server, with the task hub and the API key; answers {status, ok, json, text, headers}. */
async function call(method, path, {query = {}, body, headers = {}} = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) { if (value.length) url.searchParams.set(name, value.join(',')); }
    else if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  if (taskHub) url.searchParams.set('taskHub', taskHub);
  const sent = {Accept: 'application/json', ...headers};
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) sent['x-functions-key'] = key;
  let payload;
  if (body !== undefined) {
    sent['Content-Type'] = 'application/json';
    payload = body;
  }
  const response = await fetch(url, {method, headers: sent, body: payload, cache: 'no-store'});
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (ignored) { json = null; }
  if (response.status === 401) {
    showLogin(json && json.Message);
    throw new Unauthorized(json && json.Message);
  }
  return {status: response.status, ok: response.ok, json, text, headers: response.headers};
}

/** What a refused request means: the server's message, else what its status code says for this kind of request. */
function reason(reply, meanings = {}) {
  const message = reply.json && (reply.json.ExceptionMessage || reply.json.Message || reply.json.message);
  const meaning = meanings[reply.status] || {
    400: 'The request was invalid.', 404: 'No such instance in this task hub.',
    409: 'Not allowed in the instance\'s current status.', 410: 'The instance has already finished.',
    412: 'The instance is not in a status that allows this.', 503: 'The storage backend does not answer.',
  }[reply.status];
  return `${meaning || `HTTP ${reply.status}.`}${message && message !== meaning ? ` ${message}` : ''}`;
}

function reportFailure(error) {
  if (error instanceof Unauthorized) return;
  toast(`Request failed: ${error.message}`);
}

const enc = encodeURIComponent;

// ---- sign-in ---------------------------------------------------------------------------------------------------

/** With API keys on, nothing but this form is shown until the server accepts a key. */
function showLogin(message) {
  pageGeneration++;
  stopRefresh();
  document.body.classList.add('locked');
  document.getElementById('sign-out').hidden = true;
  const input = h('input', {id: 'api-key', type: 'password', autocomplete: 'current-password', required: true});
  const form = h('form', {class: 'panel login', 'aria-labelledby': 'login-title', onsubmit: async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, input.value);
    await boot();
  }},
  h('h1', {id: 'login-title', text: 'Sign in to Taskhub'}),
  h('p', {class: 'muted', text: 'This server requires an API key. It is kept in this browser tab only and sent '
      + 'as the x-functions-key header with every request.'}),
  message && sessionStorage.getItem(KEY_STORAGE) ? h('p', {class: 'error', role: 'alert', text: message}) : null,
  h('div', {class: 'field'}, h('label', {for: 'api-key', text: 'API key'}), input),
  h('button', {type: 'submit', class: 'primary', id: 'sign-in', text: 'Sign in'}));
  sessionStorage.removeItem(KEY_STORAGE);
  show(form);
  input.focus();
}

async function boot() {
  const reply = await call('GET', `${NATIVE}/health`).catch((error) => error);
  if (reply instanceof Unauthorized) return;
  if (reply instanceof Error) { show(h('p', {class: 'error', text: `The server does not answer: ${reply.message}`})); return; }
  document.body.classList.remove('locked');
  document.getElementById('sign-out').hidden = !sessionStorage.getItem(KEY_STORAGE);
  await route();
}

// ---- routing ---------------------------------------------------------------------------------------------------

function currentView() {
  const raw = location.hash.replace(/^#/, '') || '/instances';
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(at < 0 ? '' : raw.slice(at + 1)),
  };
}

function viewLink(path, params) {
  const query = params ? new URLSearchParams(params).toString() : '';
  return `#${path}${query ? `?${query}` : ''}`;
}

function instanceLink(id) {
  return viewLink(`/instances/${enc(id)}`);
}

async function route() {
  if (document.body.classList.contains('locked')) return;
  pageGeneration++;
  stopRefresh();
  const {parts, params} = currentView();
  const section = parts[0] || 'instances';
  for (const link of document.querySelectorAll('.sections a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.focus({preventScroll: true});
  try {
    if (section === 'instances' && parts[1]) await instancePage(parts[1]);
    else if (section === 'start') await startPage();
    else if (section === 'jobs' && parts[1]) await jobPage(parts[1]);
    else if (section === 'jobs') await jobsPage();
    else await instancesPage(params);
  } catch (error) {
    if (!(error instanceof Unauthorized)) show(h('p', {class: 'error', text: `Could not show this view: ${error.message}`}));
  }
}

// ---- dialogs ---------------------------------------------------------------------------------------------------

/**
 * A modal confirmation: title, body nodes, and the confirming button's label. {@code onConfirm} runs with the
 * dialog open and returns an error message to keep it open with, or nothing to close it.
 */
function confirmDialog({title, body = [], confirm, danger = false, onConfirm}) {
  const error = h('p', {class: 'error', role: 'alert', hidden: true});
  const confirmButton = h('button', {type: 'submit', class: `primary${danger ? ' danger' : ''}`, id: 'confirm',
    text: confirm});
  const dialog = h('dialog', {'aria-labelledby': 'dialog-title'});
  const form = h('form', {method: 'dialog', onsubmit: async (event) => {
    event.preventDefault();
    confirmButton.disabled = true;
    try {
      const problem = await onConfirm();
      if (problem) { error.textContent = problem; error.hidden = false; } else dialog.close();
    } catch (e) {
      if (e instanceof Unauthorized) dialog.close();
      else { error.textContent = e.message; error.hidden = false; }
    } finally {
      confirmButton.disabled = false;
    }
  }},
  h('h2', {id: 'dialog-title', text: title}), body, error,
  h('div', {class: 'row'}, h('span', {class: 'spacer'}),
    h('button', {type: 'button', id: 'cancel', text: 'Cancel', onclick: () => dialog.close()}), confirmButton));
  dialog.append(form);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('input, textarea, select');
  (first || confirmButton).focus();
  return dialog;
}

function field(id, label, control, hint) {
  control.id = id;
  return h('div', {class: 'field'}, h('label', {for: id, text: label}), control,
    hint ? h('span', {class: 'muted', text: hint}) : null);
}

/** Reads a JSON text box: {value} (the text, or undefined for empty) or {error}. */
function jsonFrom(textarea) {
  const text = textarea.value.trim();
  if (!text) return {value: undefined};
  try {
    JSON.parse(text);
    return {value: text};
  } catch (e) {
    return {error: `The JSON is not valid: ${e.message}`};
  }
}

// ---- JSON payloads ---------------------------------------------------------------------------------------------

/** A stored JSON text, formatted and collapsible; a large one is cut, with the whole of it as a download. */
function payload(text, fileName) {
  if (text === null || text === undefined) return h('p', {class: 'muted', text: '(none)'});
  if (text.length > PAYLOAD_SHOWN) {
    const link = h('a', {href: URL.createObjectURL(new Blob([text], {type: 'application/json'})),
      download: fileName, text: `Download all ${text.length.toLocaleString('en')} characters`});
    return h('div', {class: 'json'},
      h('p', {class: 'notice'}, `Large value: the first ${PAYLOAD_SHOWN.toLocaleString('en')} characters are `
        + 'shown. ', link),
      h('pre', {class: 'mono', text: text.slice(0, PAYLOAD_SHOWN) + '…'}));
  }
  // Integers of 16 digits or more may not survive JSON.parse (doubles): such a value is shown as stored.
  if (/(^|[^\d.eE"])-?\d{16,}/.test(text)) return h('pre', {class: 'mono', text});
  let value;
  try { value = JSON.parse(text); } catch (e) { return h('pre', {class: 'mono', text}); }
  return h('div', {class: 'json mono'}, jsonNode(value, 0));
}

function jsonNode(value, depth) {
  if (value === null) return h('span', {class: 'literal', text: 'null'});
  if (typeof value === 'string') return h('span', {class: 'string', text: JSON.stringify(value)});
  if (typeof value === 'number') return h('span', {class: 'number', text: String(value)});
  if (typeof value === 'boolean') return h('span', {class: 'literal', text: String(value)});
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  if (!entries.length) return h('span', {text: isArray ? '[]' : '{}'});
  const summary = isArray ? `[ ${entries.length} item${entries.length === 1 ? '' : 's'} ]`
    : `{ ${entries.length} key${entries.length === 1 ? '' : 's'} }`;
  return h('details', {open: depth < 2 && entries.length <= 50},
    h('summary', {text: summary}),
    entries.map(([key, child]) => h('div', {class: 'entry'},
      isArray ? null : h('span', {class: 'key', text: `${JSON.stringify(key)}: `}), jsonNode(child, depth + 1))));
}

// ---- instances: list -------------------------------------------------------------------------------------------

function filtersFrom(params) {
  const filters = {};
  for (const name of [...TEXT_FILTERS, ...TIME_FILTERS]) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  // Every value goes to the server, known or not: it refuses what it does not know, where dropping it here would
  // widen the view, and a bulk job's filter with it.
  const statuses = (params.get('runtimeStatus') || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (statuses.length) filters.runtimeStatus = statuses;
  return filters;
}

function listLink(filters, top) {
  const params = {};
  for (const [name, value] of Object.entries(filters)) params[name] = Array.isArray(value) ? value.join(',') : value;
  if (top) params.top = top;
  return viewLink('/instances', params);
}

/** datetime-local (read as UTC) ⇄ the API's ISO-8601 form. */
function isoFromInput(value) {
  return value ? `${value.length === 16 ? `${value}:00` : value}Z` : '';
}

function inputFromIso(value) {
  const time = value ? new Date(value) : null;
  return time && !Number.isNaN(time.getTime()) ? time.toISOString().slice(0, 19) : '';
}

async function instancesPage(params) {
  const filters = filtersFrom(params);
  const top = PAGE_SIZES.includes(Number(params.get('top'))) ? Number(params.get('top')) : 50;
  const tokens = [null]; // tokens[i]: the continuation token that fetches page i
  let pageIndex = 0;
  let loads = 0; // only the newest load shows its answer (a refresh may still run when the page changes)
  const generation = pageGeneration;

  const form = filterForm(filters, top);
  const countsBar = h('div', {class: 'counts', role: 'group', 'aria-label': 'Instances by status'});
  const legend = h('div', {class: 'legend'});
  const total = h('span', {id: 'total', class: 'muted'});
  const rows = h('tbody');
  const pageLabel = h('span', {id: 'page-label', class: 'muted'});
  const previous = h('button', {type: 'button', id: 'previous-page', text: '← Previous', disabled: true,
    onclick: () => { pageIndex--; load().catch(reportFailure); }});
  const next = h('button', {type: 'button', id: 'next-page', text: 'Next →', disabled: true,
    onclick: () => { pageIndex++; load().catch(reportFailure); }});
  const pause = h('button', {type: 'button', id: 'auto-refresh', 'aria-pressed': 'true',
    text: 'Auto-refresh: on', onclick: () => {
      const on = pause.getAttribute('aria-pressed') !== 'true';
      pause.setAttribute('aria-pressed', String(on));
      pause.textContent = `Auto-refresh: ${on ? 'on' : 'paused'}`;
      if (on) startRefresh(load, REFRESH_MS); else stopRefresh();
    }});
  const operation = h('select', {id: 'bulk-operation'},
    BULK_OPERATIONS.map(([value, label]) => h('option', {value, text: label})));
  const bulk = h('button', {type: 'button', id: 'bulk-start', class: 'danger',
    text: 'Do this to all matching…', onclick: () => bulkDialog(operation.value, filters).catch(reportFailure)});

  show(
    h('h1', {text: 'Instances'}),
    form,
    h('section', {class: 'panel', 'aria-label': 'Counts'}, h('div', {class: 'row'}, total), countsBar, legend),
    h('div', {class: 'row'}, previous, next, pageLabel, h('span', {class: 'spacer'}), pause,
      h('label', {for: 'bulk-operation', text: 'Bulk'}), operation, bulk),
    h('div', {class: 'table-wrap'}, h('table', {id: 'instances'},
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col', text: 'Instance id'}), h('th', {scope: 'col', text: 'Name'}),
        h('th', {scope: 'col', text: 'Status'}), h('th', {scope: 'col', class: 'optional', text: 'Created'}),
        h('th', {scope: 'col', class: 'optional', text: 'Last updated'}),
        h('th', {scope: 'col', class: 'optional', text: 'Custom status'}))),
      rows)));

  async function load() {
    const index = pageIndex;
    const mine = ++loads;
    const headers = tokens[index] ? {'x-ms-continuation-token': tokens[index]} : {};
    const [reply, counts, targets] = await Promise.all([
      call('GET', `${WEBHOOK}/instances`, {query: {...filters, top, showInput: false}, headers}),
      call('GET', `${NATIVE}/counts`, {query: {...filters, runtimeStatus: undefined}}),
      call('GET', `${NATIVE}/jobs/targets`, {query: filters}),
    ]);
    if (generation !== pageGeneration || mine !== loads) return;
    if (!reply.ok) {
      rows.replaceChildren(h('tr', {}, h('td', {colspan: 6, class: 'error', text: reason(reply)})));
      return;
    }
    const token = reply.headers.get('x-ms-continuation-token');
    tokens[index + 1] = token && token !== 'null' ? token : null;
    previous.disabled = index === 0;
    next.disabled = !tokens[index + 1];
    pageLabel.textContent = `Page ${index + 1}`;
    const instances = reply.json || [];
    rows.replaceChildren(...(instances.length ? instances.map(instanceRow)
      : [h('tr', {}, h('td', {colspan: 6, class: 'empty', text: 'No instance matches these filters.'}))]));
    if (counts.ok) showCounts(counts.json, filters, countsBar, legend, total, top);
    if (targets.ok) {
      const n = targets.json.targets;
      bulk.textContent = `Do this to all ${n.toLocaleString('en')} matching…`;
      bulk.disabled = n === 0;
      bulk.title = '';
    } else {
      bulk.textContent = 'Do this to all matching…';
      bulk.disabled = true;
      bulk.title = reason(targets); // a filter a job would refuse
    }
  }

  await load();
  if (generation === pageGeneration) startRefresh(load, REFRESH_MS);
}

function instanceRow(instance) {
  const custom = instance.customStatus === null || instance.customStatus === undefined ? ''
    : typeof instance.customStatus === 'string' ? instance.customStatus : JSON.stringify(instance.customStatus);
  return h('tr', {'data-instance-id': instance.instanceId},
    h('td', {class: 'id mono'}, h('a', {href: instanceLink(instance.instanceId), text: instance.instanceId})),
    h('td', {text: instance.name}), h('td', {}, badge(instance.runtimeStatus)),
    h('td', {class: 'optional'}, time(instance.createdTime)),
    h('td', {class: 'optional'}, time(instance.lastUpdatedTime)),
    h('td', {class: 'custom optional mono', title: custom, text: custom}));
}

/** The counts by status as a bar; a segment (or its legend entry) filters the list to that status. */
function showCounts(answer, filters, bar, legend, total, top) {
  const counts = answer.counts || {};
  const selected = filters.runtimeStatus || [];
  const all = STATUSES.reduce((sum, s) => sum + (counts[s] || 0), 0);
  const matching = selected.length ? selected.reduce((sum, s) => sum + (counts[s] || 0), 0) : all;
  total.textContent = `${matching.toLocaleString('en')} matching instance${matching === 1 ? '' : 's'}`
    + (answer.taskHub ? ` in task hub ${answer.taskHub}` : '');
  total.dataset.count = String(matching);
  const hubInput = document.getElementById('hub-name');
  if (answer.taskHub && document.activeElement !== hubInput) hubInput.value = answer.taskHub;
  const toggle = (status) => {
    const next = selected.length === 1 && selected[0] === status ? [] : [status];
    location.hash = listLink({...filters, runtimeStatus: next}, top);
  };
  bar.replaceChildren(...STATUSES.filter((s) => counts[s]).map((status) => {
    const segment = h('button', {type: 'button', 'data-status': status, 'aria-pressed': String(selected.includes(status)),
      title: `${status}: ${counts[status]}`, 'aria-label': `${status}: ${counts[status]} (show only ${status})`,
      text: `${status} ${counts[status]}`, onclick: () => toggle(status)});
    segment.style.background = `var(--${status})`;
    segment.style.flex = String(counts[status]);
    return segment;
  }));
  legend.replaceChildren(...STATUSES.map((status) => {
    const swatch = h('span', {class: 'swatch'});
    swatch.style.background = `var(--${status})`;
    return h('button', {type: 'button', 'data-legend': status, onclick: () => toggle(status)}, swatch,
      `${status} ${(counts[status] || 0).toLocaleString('en')}`);
  }));
}

function filterForm(filters, top) {
  const text = (name) => h('input', {value: filters[name] || '', autocomplete: 'off', spellcheck: 'false'});
  const when = (name) => h('input', {type: 'datetime-local', step: '1', value: inputFromIso(filters[name])});
  const controls = {
    name: text('name'), instanceIdPrefix: text('instanceIdPrefix'), customStatus: text('customStatus'),
    parentInstanceId: text('parentInstanceId'),
    createdTimeFrom: when('createdTimeFrom'), createdTimeTo: when('createdTimeTo'),
    lastUpdatedTimeFrom: when('lastUpdatedTimeFrom'), lastUpdatedTimeTo: when('lastUpdatedTimeTo'),
  };
  const pageSize = h('select', {}, PAGE_SIZES.map((size) => h('option', {value: size, selected: size === top,
    text: String(size)})));
  const statusBoxes = STATUSES.map((status) => h('input', {type: 'checkbox', id: `status-${status}`, value: status,
    checked: (filters.runtimeStatus || []).includes(status)}));
  const form = h('form', {class: 'panel filters', id: 'filters', 'aria-label': 'Filters', onsubmit: (event) => {
    event.preventDefault();
    const chosen = {};
    for (const name of TEXT_FILTERS) if (controls[name].value.trim()) chosen[name] = controls[name].value.trim();
    for (const name of TIME_FILTERS) if (controls[name].value) chosen[name] = isoFromInput(controls[name].value);
    const statuses = statusBoxes.filter((box) => box.checked).map((box) => box.value);
    if (statuses.length) chosen.runtimeStatus = statuses;
    location.hash = listLink(chosen, Number(pageSize.value));
  }},
  h('fieldset', {}, h('legend', {text: 'Status'}),
    statusBoxes.map((box) => h('label', {}, box, ` ${box.value}`))),
  field('filter-name', 'Orchestrator name', controls.name),
  field('filter-prefix', 'Instance id prefix', controls.instanceIdPrefix),
  field('filter-custom-status', 'Custom status starts with', controls.customStatus),
  field('filter-parent', 'Parent instance id', controls.parentInstanceId),
  field('filter-created-from', 'Created from (UTC)', controls.createdTimeFrom),
  field('filter-created-to', 'Created to (UTC)', controls.createdTimeTo),
  field('filter-updated-from', 'Last updated from (UTC)', controls.lastUpdatedTimeFrom),
  field('filter-updated-to', 'Last updated to (UTC)', controls.lastUpdatedTimeTo),
  field('page-size', 'Page size', pageSize),
  h('div', {class: 'row'}, h('button', {type: 'submit', class: 'primary', id: 'apply-filters', text: 'Apply filters'}),
    h('a', {href: viewLink('/instances'), id: 'clear-filters', text: 'Clear'})));
  return form;
}

// ---- bulk jobs ---------------------------------------------------------------------------------------------------

async function bulkDialog(operation, filters) {
  const reply = await call('GET', `${NATIVE}/jobs/targets`, {query: filters});
  if (!reply.ok) { toast(reason(reply)); return; }
  const count = reply.json.targets;
  const label = BULK_OPERATIONS.find(([value]) => value === operation)[1];
  const reasonBox = h('input', {autocomplete: 'off'});
  const eventName = h('input', {autocomplete: 'off', required: operation === 'raiseEvent'});
  const eventData = h('textarea', {spellcheck: 'false'});
  const body = [
    h('p', {id: 'bulk-summary', 'data-count': count, text: `${label}: all ${count.toLocaleString('en')} instance`
      + `${count === 1 ? '' : 's'} matching the current filters (bulk jobs themselves excepted). The job runs on the `
      + 'server; its page shows its progress.'}),
    operation === 'raiseEvent' ? [field('bulk-event-name', 'Event name', eventName),
      field('bulk-event-data', 'Event data (JSON)', eventData, 'Empty means null.')] : null,
    ['terminate', 'suspend', 'resume', 'rewind'].includes(operation) ? field('bulk-reason', 'Reason', reasonBox) : null,
  ];
  confirmDialog({title: `${label} ${count.toLocaleString('en')} instance${count === 1 ? '' : 's'}?`, body,
    confirm: `${label} ${count.toLocaleString('en')}`, danger: true, onConfirm: async () => {
      const job = {operation};
      if (reasonBox.value.trim()) job.reason = reasonBox.value.trim();
      let data = {value: undefined};
      if (operation === 'raiseEvent') {
        data = jsonFrom(eventData);
        if (data.error) return data.error;
        job.eventName = eventName.value.trim();
      }
      // The event's data goes as written (parsing and writing it again would round numbers beyond 2^53).
      const body = JSON.stringify(job);
      const started = await call('POST', `${NATIVE}/jobs`, {query: filters, body: data.value === undefined ? body
        : `${body.slice(0, -1)},"eventData":${data.value}}`});
      if (started.status !== 202) return reason(started);
      location.hash = viewLink(`/jobs/${enc(started.json.id)}`);
      return null;
    }});
}

function jobProgress(job) {
  const progress = h('progress', {max: Math.max(job.matched || 0, 1), value: (job.done || 0) + (job.failed || 0),
    'aria-label': 'Progress'});
  const known = job.matched !== undefined;
  return h('div', {}, progress, h('div', {class: 'muted', 'data-progress': 'summary', text: known
    ? `${job.done} done, ${job.failed} refused, ${job.remaining} remaining of ${job.matched} matched`
    : 'Counting…'}));
}

async function jobsPage() {
  const generation = pageGeneration;
  const rows = h('tbody');
  show(h('h1', {text: 'Bulk jobs'}),
    h('p', {class: 'muted', text: 'A job applies one operation to every instance a filter matches, a page at a time, '
      + 'and survives restarts. Start one from the instance list\'s "Do this to all matching" button.'}),
    h('div', {class: 'table-wrap'}, h('table', {id: 'jobs'},
      h('thead', {}, h('tr', {}, ['Job', 'Operation', 'Status', 'Progress', 'Created'].map((title) =>
        h('th', {scope: 'col', text: title})))), rows)));
  async function load() {
    // Oldest first from the server: read to the last page and show the newest hundred, newest first.
    let jobs = [];
    let token = null;
    do {
      const reply = await call('GET', `${NATIVE}/jobs`, {query: {top: 1000, continuationToken: token}});
      if (generation !== pageGeneration) return;
      if (!reply.ok) { rows.replaceChildren(h('tr', {}, h('td', {colspan: 5, class: 'error', text: reason(reply)}))); return; }
      jobs = jobs.concat(reply.json.jobs).slice(-100);
      token = reply.json.continuationToken;
    } while (token);
    jobs.reverse();
    rows.replaceChildren(...(jobs.length ? jobs.map((job) => h('tr', {},
      h('td', {class: 'id mono'}, h('a', {href: viewLink(`/jobs/${enc(job.id)}`), text: job.id})),
      h('td', {text: job.operation || '?'}), h('td', {}, badge(job.runtimeStatus)), h('td', {}, jobProgress(job)),
      h('td', {}, time(job.createdTime))))
      : [h('tr', {}, h('td', {colspan: 5, class: 'empty', text: 'No job yet.'}))]));
  }
  await load();
  if (generation === pageGeneration) startRefresh(load, REFRESH_MS);
}

/** The job's page, followed every second while the job runs. */
async function jobPage(id) {
  const generation = pageGeneration;
  const status = await showJob(id, generation);
  if (status && !FINISHED.includes(status)) {
    startRefresh(async () => {
      const now = await showJob(id, generation);
      if (now && FINISHED.includes(now)) stopRefresh();
    }, 1000);
  }
}

/** Renders the job; answers its runtime status, or null when it could not be shown. */
async function showJob(id, generation) {
  const reply = await call('GET', `${NATIVE}/jobs/${enc(id)}`);
  if (generation !== pageGeneration) return null;
  if (!reply.ok) {
    show(h('h1', {text: `Job ${id}`}), h('p', {class: 'error', text: reason(reply, {404: 'No such job.'})}));
    return null;
  }
  const job = reply.json;
  const filter = Object.entries(job.filter || {}).filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length)
      && typeof v !== 'boolean' && !(typeof v === 'number'))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`).join(', ') || 'every instance';
  const cancel = h('button', {type: 'button', id: 'cancel-job', class: 'danger', text: 'Cancel job',
    disabled: FINISHED.includes(job.runtimeStatus), onclick: () => confirmDialog({
      title: 'Cancel this job?', body: [h('p', {text: 'It stops after the page it is on; what it did stays done.'})],
      confirm: 'Cancel job', danger: true, onConfirm: async () => {
        const answer = await call('POST', `${NATIVE}/jobs/${enc(id)}/cancel`);
        if (answer.status !== 202) return reason(answer, {410: 'The job has already finished.'});
        toast('Cancelling the job.');
        await showJob(id, generation);
        return null;
      }})});
  show(h('h1', {}, 'Job ', h('span', {class: 'mono', text: id})),
    h('section', {class: 'panel'}, h('dl', {class: 'facts'},
      h('dt', {text: 'Operation'}), h('dd', {id: 'job-operation', text: job.operation || '?'}),
      h('dt', {text: 'Status'}), h('dd', {id: 'job-status'}, badge(job.runtimeStatus)),
      h('dt', {text: 'Filter'}), h('dd', {class: 'mono', text: filter}),
      job.reason ? [h('dt', {text: 'Reason'}), h('dd', {text: job.reason})] : null,
      job.eventName ? [h('dt', {text: 'Event'}), h('dd', {text: job.eventName})] : null,
      h('dt', {text: 'Created'}), h('dd', {}, time(job.createdTime)),
      h('dt', {text: 'Last updated'}), h('dd', {}, time(job.lastUpdatedTime))),
    h('h2', {text: 'Progress'}), jobProgress(job),
    h('div', {class: 'row'}, cancel, h('a', {href: instanceLink(id), text: 'The job\'s instance'}))),
    (job.failures || []).length ? h('section', {class: 'panel'}, h('h2', {text: 'Refused'}),
      h('div', {class: 'table-wrap'}, h('table', {id: 'job-failures'},
        h('thead', {}, h('tr', {}, h('th', {text: 'Instance'}), h('th', {text: 'Why'}))),
        h('tbody', {}, job.failures.map((f) => h('tr', {},
          h('td', {class: 'mono'}, h('a', {href: instanceLink(f.instanceId), text: f.instanceId})),
          h('td', {text: f.reason}))))))) : null);
  return job.runtimeStatus;
}

// ---- one instance ------------------------------------------------------------------------------------------------

/** What {@link showInstance} answers when the instance could not be read: the page tries again. */
const LOAD_FAILED = Object.freeze({});

/**
 * The instance's page, shown again whenever the instance changed (its revision) until it finishes; a load that
 * failed (the server busy, say) is tried again at the next refresh, rather than leaving the page as it was.
 */
async function instancePage(id) {
  const generation = pageGeneration;
  let shown = await showInstance(id, generation);
  if (!shown || FINISHED.includes(shown.runtimeStatus)) return;
  startRefresh(async () => {
    if (shown !== LOAD_FAILED) {
      const again = await call('GET', `${NATIVE}/instances/${enc(id)}`,
        {query: {showHistory: false, showInput: false}});
      if (generation !== pageGeneration || !again.ok || again.json.instance.revision === shown.revision) return;
    }
    const now = await showInstance(id, generation);
    if (now) shown = now;
    if (!now || FINISHED.includes(now.runtimeStatus)) stopRefresh();
  }, 2000);
}

/**
 * Renders the instance; answers its metadata, null when there is none to show, or {@link LOAD_FAILED}. A failed
 * load keeps the instance's page if it is shown (and says so), else shows the failure.
 */
async function showInstance(id, generation) {
  const [reply, children] = await Promise.all([
    call('GET', `${NATIVE}/instances/${enc(id)}`, {query: {showHistory: true, showInput: true}}),
    call('GET', `${WEBHOOK}/instances`, {query: {parentInstanceId: id, top: CHILDREN_SHOWN, showInput: false}}),
  ]);
  if (generation !== pageGeneration) return null;
  if (reply.status === 404) {
    show(h('h1', {class: 'mono', text: id}), h('p', {class: 'error', id: 'not-found',
      text: `No instance ${id} in ${taskHub ? `task hub ${taskHub}` : 'this task hub'}.`}),
    h('a', {href: viewLink('/instances'), text: 'Back to the instances'}));
    return null;
  }
  if (!reply.ok) {
    const idShown = document.getElementById('instance-id');
    if (idShown && idShown.textContent === id) toast(`Could not refresh the instance: ${reason(reply)}`);
    else show(h('p', {class: 'error', id: 'load-failed', text: reason(reply)}));
    return LOAD_FAILED;
  }
  const focused = document.activeElement && document.activeElement.dataset.action;
  renderInstance(reply.json, children.ok ? children.json : []);
  if (focused) { // keeps the keyboard where it was across a refresh
    const again = document.querySelector(`[data-action="${focused}"]`);
    if (again) again.focus();
  }
  return reply.json.instance;
}

function renderInstance(answer, children) {
  const {instance, history = [], withoutWorker = []} = answer;
  const id = instance.instanceId;
  const result = h('div', {id: 'action-result', role: 'status', 'aria-live': 'polite'},
    lastAction && lastAction.instanceId === id ? lastAction.node : null);
  const missing = withoutWorker.length ? h('div', {class: 'notice', id: 'without-worker', role: 'note'},
    h('strong', {text: 'Waiting for a worker: '}),
    withoutWorker.map((f) => `no worker has ${f.kind === 'ORCHESTRATOR' ? 'orchestrator' : 'activity'} ${f.name}`)
      .join('; '),
    '. It runs as soon as a worker that has it starts.') : null;
  const parent = instance.parent && instance.parent.instanceId;
  show(
    h('p', {}, h('a', {href: viewLink('/instances'), text: '← Instances'})),
    h('h1', {}, h('span', {class: 'mono', id: 'instance-id', text: id}), ' ', badge(instance.runtimeStatus)),
    missing,
    h('div', {class: 'columns'},
    h('section', {class: 'panel'}, h('dl', {class: 'facts', id: 'facts'},
      h('dt', {text: 'Name'}), h('dd', {id: 'instance-name', text: instance.name}),
      h('dt', {text: 'Status'}), h('dd', {id: 'instance-status', text: instance.runtimeStatus}),
      h('dt', {text: 'Created'}), h('dd', {}, time(instance.createdAt)),
      h('dt', {text: 'Last updated'}), h('dd', {}, time(instance.lastUpdatedAt)),
      instance.completedAt ? [h('dt', {text: 'Completed'}), h('dd', {}, time(instance.completedAt))] : null,
      instance.scheduledStartAt ? [h('dt', {text: 'Scheduled start'}), h('dd', {}, time(instance.scheduledStartAt))]
        : null,
      h('dt', {text: 'Execution'}), h('dd', {class: 'mono', text: instance.executionId}),
      parent ? [h('dt', {text: 'Parent'}), h('dd', {}, h('a', {id: 'parent-link', class: 'mono',
        href: instanceLink(parent), text: parent}))] : null,
      children.length ? [h('dt', {text: 'Children'}), h('dd', {id: 'children'}, children.map((child) =>
        h('div', {}, h('a', {class: 'mono', href: instanceLink(child.instanceId), text: child.instanceId}), ' ',
          child.name, ' ', badge(child.runtimeStatus))),
        children.length === CHILDREN_SHOWN ? h('a', {href: listLink({parentInstanceId: id}),
          text: `The first ${CHILDREN_SHOWN}; all of them in the list`}) : null)] : null)),
    h('section', {class: 'panel', 'aria-label': 'Actions'}, h('h2', {text: 'Actions'}), actions(instance), result)),
    instance.failure ? h('section', {class: 'panel', id: 'failure'}, h('h2', {text: 'Failure'}),
      failureDetails(instance.failure)) : null,
    h('div', {class: 'columns payloads'},
      h('section', {class: 'panel', id: 'input'}, h('h2', {text: 'Input'}), payload(instance.input, `${id}-input.json`)),
      h('section', {class: 'panel', id: 'output'}, h('h2', {text: 'Output'}),
        payload(instance.output, `${id}-output.json`)),
      h('section', {class: 'panel', id: 'custom-status'}, h('h2', {text: 'Custom status'}),
        payload(instance.customStatus, `${id}-custom-status.json`))),
    h('section', {class: 'panel', id: 'history'}, h('h2', {text: 'History'}), historyViews(history, instance)));
}

function failureDetails(failure) {
  return h('div', {},
    h('p', {}, h('strong', {class: 'mono', text: failure.errorType}), `: ${failure.errorMessage || ''}`),
    failure.stackTrace ? h('details', {}, h('summary', {text: 'Stack trace'}),
      h('pre', {class: 'stack mono', text: failure.stackTrace})) : null,
    failure.innerFailure ? h('div', {}, h('p', {class: 'muted', text: 'Caused by'}),
      failureDetails(failure.innerFailure)) : null);
}

/** The instance's actions. Each is offered whatever the status: the server decides, and says why it refuses. */
function actions(instance) {
  const id = instance.instanceId;
  const path = `${WEBHOOK}/instances/${enc(id)}`;
  const done = (label, reply, accepted, meanings, showAgain = true) => {
    const box = document.getElementById('action-result');
    const ok = reply.status === accepted;
    const answer = h('p', {class: ok ? 'ok' : 'error', 'data-status': reply.status},
      ok ? `${label}: accepted.` : `${label} refused (${reply.status}): ${reason(reply, meanings)}`);
    lastAction = {instanceId: id, node: answer};
    box.replaceChildren(answer);
    // A newer action (a purge after a restart, say) must not be overwritten by this one's re-render.
    const answered = ++actionsAnswered;
    if (ok && showAgain) {
      setTimeout(() => { if (answered === actionsAnswered && location.hash.includes(enc(id))) route(); }, 600);
    }
    return null;
  };
  const withReason = (verb, operation, accepted, meanings, danger = false) => () => {
    const reasonBox = h('input', {autocomplete: 'off'});
    confirmDialog({title: `${verb} ${id}?`, body: [field('action-reason', 'Reason', reasonBox)], confirm: verb, danger,
      onConfirm: async () => done(verb, await call('POST', `${path}/${operation}`,
        {query: {reason: reasonBox.value.trim()}}), accepted, meanings)});
  };
  const raise = () => {
    const name = h('input', {autocomplete: 'off', required: true});
    const data = h('textarea', {spellcheck: 'false'});
    confirmDialog({title: `Raise an event to ${id}`, confirm: 'Raise event',
      body: [field('event-name', 'Event name', name), field('event-data', 'Event data (JSON)', data, 'Empty means null.')],
      onConfirm: async () => {
        const json = jsonFrom(data);
        if (json.error) return json.error;
        if (!name.value.trim()) return 'Give the event a name.';
        return done('Raise event', await call('POST', `${path}/raiseEvent/${enc(name.value.trim())}`,
          {body: json.value === undefined ? 'null' : json.value}), 202);
      }});
  };
  const restart = () => {
    const fresh = h('input', {type: 'checkbox', id: 'restart-new-id', checked: true});
    confirmDialog({title: `Restart ${instance.name} with this instance's input?`, confirm: 'Restart',
      body: [h('label', {}, fresh, ' Under a new instance id')], onConfirm: async () => {
        const reply = await call('POST', `${path}/restart`, {query: {restartWithNewInstanceId: fresh.checked}});
        done('Restart', reply, 202, {409: 'The instance is still active.'});
        if (reply.status === 202 && reply.json && reply.json.id && reply.json.id !== id) {
          lastAction.node.append(' Started ',
            h('a', {href: instanceLink(reply.json.id), id: 'restarted-link', class: 'mono', text: reply.json.id}), '.');
        }
        return null;
      }});
  };
  const purge = () => confirmDialog({title: `Purge ${id}?`, danger: true, confirm: 'Purge',
    body: [h('p', {text: 'Its status and history are deleted for good (finished sub-orchestrations too).'})],
    onConfirm: async () => {
      const reply = await call('DELETE', path);
      done('Purge', reply, 200, {409: 'Only a finished instance can be purged.'}, false);
      if (reply.status === 200) {
        const answered = actionsAnswered;
        setTimeout(() => {
          if (answered !== actionsAnswered || !location.hash.includes(enc(id))) return;
          location.hash = viewLink('/instances');
          toast(`Purged ${id}.`); // the answer goes along to the list
        }, 800);
      }
      return null;
    }});
  const button = (label, onclick, danger) => h('button', {type: 'button', class: danger ? 'danger' : null,
    'data-action': label.toLowerCase().replace(/ /g, '-'), text: `${label}…`, onclick});
  return h('div', {class: 'actions'},
    button('Raise event', raise),
    button('Suspend', withReason('Suspend', 'suspend', 202, {409: 'Only a running instance can be suspended.'})),
    button('Resume', withReason('Resume', 'resume', 202, {409: 'Only a suspended instance can be resumed.'})),
    button('Terminate', withReason('Terminate', 'terminate', 202, {}, true), true),
    button('Rewind', withReason('Rewind', 'rewind', 202, {412: 'Only a Failed instance can be rewound.'})),
    button('Restart', restart),
    button('Purge', purge, true));
}

// ---- history: table and timeline --------------------------------------------------------------------------------

let historyTab = 0; // the history view chosen last, kept when the page is shown again

function historyViews(history, instance) {
  const table = historyTable(history);
  const timeline = historyTimeline(history, instance);
  const tabs = [['Timeline', timeline], ['Table', table]];
  const select = (index) => {
    historyTab = index;
    buttons.forEach((b, i) => {
      b.setAttribute('aria-selected', String(i === index));
      b.tabIndex = i === index ? 0 : -1;
      tabs[i][1].hidden = i !== index;
    });
  };
  const buttons = tabs.map(([label, panel], index) => {
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', `tab-${label.toLowerCase()}`);
    panel.id = panel.id || `panel-${label.toLowerCase()}`;
    return h('button', {type: 'button', role: 'tab', id: `tab-${label.toLowerCase()}`, 'aria-controls': panel.id,
      text: label, onclick: () => select(index), onkeydown: (event) => {
        if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
        const next = (index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length;
        select(next);
        buttons[next].focus();
      }});
  });
  select(historyTab);
  return [h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'History views'}, buttons), timeline, table,
    h('p', {class: 'muted', text: `${history.length} events in the current execution.`})];
}

function eventDetails(event) {
  const parts = [];
  if (event.name) parts.push(event.name);
  if (event.instanceId) parts.push(`instance ${event.instanceId}`);
  if (event.taskId !== undefined) parts.push(`task ${event.taskId}`);
  if (event.timerId !== undefined) parts.push(`timer ${event.timerId}`);
  if (event.fireAt) parts.push(`fires ${formatTime(event.fireAt)}`);
  if (event.status) parts.push(event.status);
  if (event.reason) parts.push(`reason: ${event.reason}`);
  if (event.failure) parts.push(`${event.failure.errorType}: ${event.failure.errorMessage}`);
  const value = event.result ?? event.input;
  if (value !== undefined && value !== null) parts.push(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  return parts.join(' · ');
}

function historyTable(history) {
  const start = history.length ? Date.parse(history[0].timestamp) : 0;
  return h('div', {class: 'table-wrap'}, h('table', {id: 'history-table'},
    h('thead', {}, h('tr', {}, h('th', {text: '#'}), h('th', {text: 'Time'}), h('th', {text: 'Event'}),
      h('th', {text: 'Details'}))),
    h('tbody', {}, history.map((event, index) => h('tr', {'data-event': event.eventType},
      h('td', {text: String(index)}),
      h('td', {title: event.timestamp}, `+${formatDuration(Math.max(0, Date.parse(event.timestamp) - start))}`),
      h('td', {text: event.eventType}), h('td', {class: 'mono', text: eventDetails(event)}))))));
}

/**
 * Bars for what the instance waited on: activities and sub-orchestrations from scheduled to answered, timers
 * from created to fired, suspensions, waits for events from the step before to the event's arrival, and the wait
 * since the last step of a running instance. What is still open runs to now.
 */
function historyTimeline(history, instance) {
  const at = (event) => Date.parse(event.timestamp);
  const spans = [];
  const open = new Map();
  let executionStart = null;
  let suspendedAt = null;
  let idleSince = null; // the end of the last step: what arrives next was waited for since then
  for (const event of history) {
    switch (event.eventType) {
      case 'OrchestratorCompleted': idleSince = at(event); break;
      case 'ExecutionStarted': executionStart = at(event); break;
      case 'TaskScheduled':
        open.set(`task${event.taskId}`, spans.push({kind: 'activity', label: `activity ${event.name}`, start: at(event)}) - 1);
        break;
      case 'SubOrchestrationInstanceCreated':
        open.set(`task${event.taskId}`, spans.push({kind: 'suborchestration', label: `sub-orchestration ${event.name}`,
          start: at(event), link: event.instanceId}) - 1);
        break;
      case 'TimerCreated':
        open.set(`timer${event.timerId}`, spans.push({kind: 'timer', label: `timer until ${formatTime(event.fireAt)}`,
          start: at(event)}) - 1);
        break;
      case 'TaskCompleted': case 'TaskFailed': case 'SubOrchestrationInstanceCompleted':
      case 'SubOrchestrationInstanceFailed': case 'TimerFired': {
        const key = event.eventType === 'TimerFired' ? `timer${event.timerId}` : `task${event.taskId}`;
        if (open.has(key)) {
          const span = spans[open.get(key)];
          span.end = at(event);
          span.failed = event.eventType.endsWith('Failed');
          open.delete(key);
        }
        break;
      }
      case 'EventRaised':
        // Events are recorded when they arrive, not when the orchestrator began to wait: the bar is the wait since
        // the last step, and an event that came before any wait is a mark.
        spans.push(idleSince !== null && idleSince < at(event)
          ? {kind: 'event', label: `waited for event ${event.name}`, start: idleSince, end: at(event)}
          : {kind: 'event', label: `event ${event.name} received`, start: at(event), mark: true});
        break;
      case 'ExecutionSuspended': suspendedAt = at(event); break;
      case 'ExecutionResumed':
        if (suspendedAt !== null) spans.push({kind: 'suspended', label: 'suspended', start: suspendedAt, end: at(event)});
        suspendedAt = null;
        break;
      default: break;
    }
  }
  const finished = FINISHED.includes(instance.runtimeStatus);
  const now = finished ? Date.parse(instance.lastUpdatedAt) : Date.now();
  const last = history[history.length - 1];
  if (!finished && suspendedAt === null && last && last.eventType === 'OrchestratorCompleted') {
    // Nothing arrived since its last step: it waits, for what is open above or for an event.
    spans.push({kind: 'event', label: 'waiting since its last step', start: idleSince});
  }
  if (suspendedAt !== null) spans.push({kind: 'suspended', label: 'suspended', start: suspendedAt});
  const t0 = executionStart ?? (history.length ? at(history[0]) : now);
  spans.unshift({kind: 'execution', label: `${instance.name} (${instance.runtimeStatus})`, start: t0,
    end: finished ? now : undefined, failed: instance.runtimeStatus === 'Failed'});
  const t1 = Math.max(now, ...spans.map((s) => s.end ?? now), t0 + 1);
  const rows = spans.map((span) => {
    const end = span.mark ? span.start : (span.end ?? now);
    const bar = h('span', {class: `bar ${span.kind}${span.failed ? ' failed' : ''}${span.end === undefined && !span.mark ? ' open' : ''}`});
    bar.style.left = `${((span.start - t0) / (t1 - t0)) * 100}%`;
    if (!span.mark) bar.style.width = `${Math.max(0.4, ((end - span.start) / (t1 - t0)) * 100)}%`;
    const duration = span.mark ? '' : `${formatDuration(end - span.start)}${span.end === undefined ? ' so far' : ''}`;
    const label = span.link ? h('a', {href: instanceLink(span.link), text: span.label}) : span.label;
    return [h('div', {class: 'label', title: span.label}, label),
      h('div', {class: 'track', 'data-kind': span.kind, title: `${span.label}${duration ? `: ${duration}` : ''}`},
        bar, h('span', {class: 'duration', text: duration}))];
  });
  return h('div', {class: 'timeline', id: 'timeline'}, rows);
}

// ---- start an instance ---------------------------------------------------------------------------------------------

async function startPage() {
  const generation = pageGeneration;
  const [workers, local] = await Promise.all([call('GET', `${NATIVE}/workers`), call('GET', `${NATIVE}/orchestrators`)]);
  if (generation !== pageGeneration) return;
  const names = new Set();
  if (workers.ok) workers.json.workers.forEach((w) => (w.orchestrators || []).forEach((n) => names.add(n)));
  if (local.ok) local.json.orchestrators.forEach((o) => names.add(o.name));
  names.delete(JOB_ORCHESTRATOR);
  const sorted = [...names].sort((a, b) => a.localeCompare(b));
  const name = h('select', {required: true}, sorted.map((n) => h('option', {value: n, text: n})));
  const input = h('textarea', {spellcheck: 'false', placeholder: '{"city": "Tokyo"}'});
  const id = h('input', {autocomplete: 'off', spellcheck: 'false'});
  const problem = h('div', {id: 'start-result', role: 'alert'});
  const form = h('form', {class: 'panel', id: 'start-form', onsubmit: async (event) => {
    event.preventDefault();
    const json = jsonFrom(input);
    if (json.error) { problem.replaceChildren(h('p', {class: 'error', text: json.error})); return; }
    const path = `${WEBHOOK}/orchestrators/${enc(name.value)}${id.value.trim() ? `/${enc(id.value.trim())}` : ''}`;
    const reply = await call('POST', path, {body: json.value === undefined ? '' : json.value});
    if (reply.status !== 202) {
      problem.replaceChildren(h('p', {class: 'error', text: `Not started (${reply.status}): ${reason(reply, {
        409: 'An active instance with this id exists.'})}`}));
      return;
    }
    toast(`Started ${reply.json.id}.`);
    location.hash = instanceLink(reply.json.id);
  }},
  sorted.length ? null : h('p', {class: 'notice', text: 'No worker of this task hub runs an orchestrator yet.'}),
  field('start-name', 'Orchestrator', name, 'The orchestrators this server and the task hub\'s live workers run.'),
  field('start-input', 'Input (JSON)', input, 'Empty means null.'),
  field('start-id', 'Instance id (optional)', id, 'Empty: a new unique id.'),
  problem,
  h('button', {type: 'submit', class: 'primary', id: 'start-submit', text: 'Start'}));
  show(h('h1', {text: 'Start an instance'}), form);
}

// ---- header ------------------------------------------------------------------------------------------------------

document.getElementById('hub-name').value = taskHub;
document.getElementById('hub-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = document.getElementById('hub-name').value.trim();
  const search = value ? `?taskHub=${enc(value)}` : '';
  location.assign(`${location.pathname}${search}${location.hash}`);
});
document.getElementById('sign-out').addEventListener('click', () => showLogin());
window.addEventListener('hashchange', () => { route().catch(reportFailure); });
boot().catch(reportFailure);
