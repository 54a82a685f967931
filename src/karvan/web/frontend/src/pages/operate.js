// Operate (railways, ports, ferry lines): publish timetabled departures, watch their utilisation, and
// report container events by form or by uploading a file (Karvan JSON/CSV, DCSA, EPCIS).
import { api, session } from '../api.js';
import { placeInput } from '../autocomplete.js';
import { announce, clearFieldErrors, empty, errorBox, field, fill, fmt, h, loading, showFieldErrors, table } from '../ui.js';

export const EVENTS_PATH = '/events';
const EVENT_CODES = [
  ['GTIN', 'EQUIPMENT', 'Gate in'], ['LOAD', 'EQUIPMENT', 'Loaded'], ['DEPA', 'TRANSPORT', 'Departed'],
  ['ARRI', 'TRANSPORT', 'Arrived'], ['DISC', 'EQUIPMENT', 'Discharged'], ['GTOT', 'EQUIPMENT', 'Gate out'],
  ['INSP', 'EQUIPMENT', 'Inspected'],
];
const MODES = { rail: 'RAIL', ferry: 'VESSEL', sea: 'VESSEL', road: 'TRUCK' };

/** ISO 8601 with the browser's UTC offset, from a datetime-local value. */
export function withOffset(localValue) {
  const d = new Date(localValue);
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${localValue.length === 16 ? `${localValue}:00` : localValue}${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

function nowLocal() {
  const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

export default {
  title: 'Operate',
  roles: ['railway', 'port', 'ferry_line'],
  render(main, { me }) {
    const departures = h('div', { 'aria-live': 'polite' }, loading('Loading departures…'));
    const services = [];
    const serviceSelect = h('select', { name: 'service_id', required: true });
    const section = h('section', { class: 'page' }, h('h1', {}, 'Operate'),
      h('p', { class: 'hint' }, `Operators managed: ${(me.operators || []).join(', ') || 'none'}`),
      h('div', { class: 'grid2' }, publishForm(serviceSelect, () => loadDepartures()), eventForm(services)),
      uploadForm(), h('h2', {}, 'Departures'), departures);
    main.append(section);

    api('/network/services')
      .then((all) => {
        services.push(...all.filter((s) => (me.operators || []).includes(s.operator)));
        fill(serviceSelect, services.map((s) => h('option', { value: s.id }, `${s.name} (${s.id})`)));
      }).catch((err) => departures.before(errorBox(err)));

    async function loadDepartures(cursor = null, shown = []) {
      if (!cursor) fill(departures, loading('Loading departures…'));
      try {
        const from = new Date(Date.now() - 3 * 86400000).toISOString();
        const page = await api(`/departures?mine=true&limit=25&from=${encodeURIComponent(from)}` +
          (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
        const rows = [...shown, ...page.items];
        const more = page.next_cursor
          ? h('button', { type: 'button', class: 'secondary', onclick: () => loadDepartures(page.next_cursor, rows) }, 'Show more')
          : null;
        fill(departures, rows.length ? table([
          { label: 'Departure', value: (d) => h('span', { class: 'code' }, d.id) },
          { label: 'Service', value: (d) => d.service_id },
          { label: 'From', value: (d) => d.origin },
          { label: 'To', value: (d) => d.destination },
          { label: 'Departs (local)', value: (d) => String(d.departs_at_local).slice(0, 16).replace('T', ' ') },
          { label: 'Status', value: (d) => h('span', { class: `badge ${d.status}` }, d.status) },
          { label: 'Booked / capacity TEU', value: (d) => `${d.booked_teu} / ${d.capacity_teu}`, class: 'num' },
          { label: 'Utilisation', value: (d) => utilisation(d.utilisation) },
        ], rows, { caption: 'My departures from three days ago on' }) : empty('No departures published yet.'), more);
      } catch (err) {
        fill(departures, errorBox(err));
      }
    }
    loadDepartures();
  },
};

function utilisation(share) {
  const percent = Math.round((share || 0) * 100);
  return h('span', { class: 'util' },
    h('meter', { min: 0, max: 1, low: 0.5, high: 0.9, optimum: 0.7, value: share || 0, 'aria-label': `${percent}% booked` }),
    ` ${percent}%`);
}

function publishForm(serviceSelect, onDone) {
  const today = new Date().toISOString().slice(0, 10);
  const later = new Date(Date.now() + 60 * 86400000).toISOString().slice(0, 10);
  const from = h('input', { type: 'date', name: 'from_date', value: today, required: true });
  const to = h('input', { type: 'date', name: 'to_date', value: later, required: true });
  const submit = h('button', { type: 'submit' }, 'Publish departures');
  const outcome = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Publish timetabled departures' },
    h('h2', {}, 'Publish timetabled departures'), field('Service', serviceSelect),
    h('div', { class: 'row' }, field('From', from), field('To', to)), submit, outcome);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    submit.disabled = true;
    fill(outcome, loading('Publishing…'));
    try {
      const result = await api('/departures/generate', { method: 'POST',
        body: { service_id: serviceSelect.value, from_date: from.value, to_date: to.value } });
      fill(outcome, h('p', { class: 'ok' }, `${result.created} departures published, ${result.existing} already there.`));
      onDone();
    } catch (err) {
      showFieldErrors(form, err.fields || {});
      fill(outcome, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function eventForm(services) {
  const container = h('input', { type: 'text', name: 'container', placeholder: 'CSQU3054383', autocomplete: 'off',
    spellcheck: 'false', maxlength: 11, required: true });
  const code = h('select', { name: 'code' }, EVENT_CODES.map(([c, , label]) => h('option', { value: c }, `${label} (${c})`)));
  const classifier = h('select', { name: 'classifier' },
    h('option', { value: 'ACT' }, 'Actual'), h('option', { value: 'EST' }, 'Estimated'), h('option', { value: 'PLN' }, 'Planned'));
  const time = h('input', { type: 'datetime-local', name: 'time', value: nowLocal(), required: true });
  const place = placeInput('locode');
  const service = h('input', { type: 'text', name: 'service', list: 'my-services', autocomplete: 'off' });
  const departure = h('input', { type: 'text', name: 'departure', autocomplete: 'off', placeholder: 'dep_…' });
  const submit = h('button', { type: 'submit' }, 'Post event');
  const outcome = h('div', { 'aria-live': 'polite' });
  const datalist = h('datalist', { id: 'my-services' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Report a container event' },
    h('h2', {}, 'Report a container event'),
    h('div', { class: 'row' }, field('Container', container, 'ISO 6346'), field('Event', code), field('Classifier', classifier)),
    h('div', { class: 'row' }, field('Time (your time zone)', time), field('Place', place.wrap, 'UN/LOCODE or name')),
    h('div', { class: 'row' }, field('Service (optional)', service), field('Departure id (optional)', departure)),
    datalist, submit, outcome);
  service.addEventListener('focus', () => {
    if (!datalist.children.length) datalist.append(...services.map((s) => h('option', { value: s.id }, s.name)));
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const missing = {};
    if (!container.value.trim()) missing.container = 'Give the container number.';
    if (!place.code()) missing.locode = 'Give the place where it happened.';
    if (!time.value) missing.time = 'Give the time.';
    if (Object.keys(missing).length) { showFieldErrors(form, missing); return; }
    const [, type] = EVENT_CODES.find(([c]) => c === code.value);
    const chosen = services.find((s) => s.id === service.value.trim());
    const event = {
      type, code: code.value, classifier: classifier.value, time: withOffset(time.value),
      container: container.value.trim().toUpperCase(), locode: place.code().toUpperCase(),
    };
    if (chosen) { event.service = chosen.id; event.mode = MODES[chosen.mode]; event.operator = chosen.operator; }
    else if (service.value.trim()) event.service = service.value.trim();
    if (departure.value.trim()) event.departure = departure.value.trim();
    submit.disabled = true;
    fill(outcome, loading('Posting…'));
    try {
      const report = await api(EVENTS_PATH, { method: 'POST', body: { events: [event] } });
      fill(outcome, h('p', { class: 'ok' }, reportText(report)));
      announce('Event posted');
    } catch (err) {
      showFieldErrors(form, eventFieldErrors(err));
      fill(outcome, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Field messages of a rejected batch of one event: "events.0.container" -> "container". */
function eventFieldErrors(err) {
  const out = {};
  for (const [name, message] of Object.entries(err.fields || {})) {
    out[name.replace(/^events\.\d+\./, '').replace(/^\d+\./, '')] = message;
  }
  return out;
}

function reportText(report) {
  const parts = ['accepted', 'stored', 'duplicates', 'updated', 'rejected']
    .filter((k) => typeof report?.[k] === 'number').map((k) => `${report[k]} ${k}`);
  return parts.length ? `Event posted: ${parts.join(', ')}.` : 'Event posted.';
}

function uploadForm() {
  const file = h('input', { type: 'file', name: 'file', accept: '.json,.csv,.jsonld,application/json,text/csv', required: true });
  const submit = h('button', { type: 'submit' }, 'Upload events');
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const outcome = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Upload an event file' },
    h('h2', {}, 'Upload an event file'),
    h('p', { class: 'hint' }, 'Karvan JSON or CSV, DCSA Track & Trace events, or an EPCIS 2.0 document; the format is detected.'),
    field('Event file', file), progress, submit, outcome);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const chosen = file.files[0];
    if (!chosen) { showFieldErrors(form, { file: 'Choose a file.' }); return; }
    submit.disabled = true;
    progress.hidden = false;
    fill(outcome);
    uploadWithProgress(chosen, progress).then((report) => {
      fill(outcome, h('p', { class: 'ok' }, reportText(report)));
    }).catch((err) => fill(outcome, errorBox(err))).finally(() => {
      submit.disabled = false;
      progress.hidden = true;
    });
  });
  return form;
}

/** Sends a file with XMLHttpRequest, whose upload events give the progress bar its value. */
function uploadWithProgress(file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', EVENTS_PATH);
    xhr.setRequestHeader('Authorization', `Bearer ${session.key}`);
    xhr.setRequestHeader('Content-Type', file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress.value = e.loaded / e.total; };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { body = { detail: xhr.responseText }; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(Object.assign(new Error(body.detail || `upload failed (${xhr.status})`), { problem: body }));
    };
    xhr.onerror = () => reject(new Error('The server cannot be reached.'));
    xhr.send(file);
  });
}
