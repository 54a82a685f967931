// Small DOM helpers shared by the pages: element building, loading and error states, form field messages.

/** Builds an element: h('button', {type: 'submit', onclick}, 'Save'). Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A labelled form field; the message element (`.field-msg`) shows validation next to it. `control` is
 * the input itself or an element wrapping it (e.g. an autocomplete).
 */
export function field(label, control, hint) {
  const input = control.matches('input, select, textarea') ? control : control.querySelector('input, select, textarea');
  const id = input.id || (input.id = `f-${input.name || Math.random().toString(36).slice(2)}`);
  const msg = h('span', { class: 'field-msg', id: `${id}-msg`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${id}-msg`);
  return h('div', { class: 'field', dataset: { field: input.name || '' } },
    h('label', { for: id }, label), control, hint ? h('span', { class: 'hint' }, hint) : null, msg);
}

/** Shows field messages from an ApiError (or a {name: message} map) next to the matching inputs. */
export function showFieldErrors(form, errors) {
  clearFieldErrors(form);
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    const input = findInput(form, name);
    if (!input) continue;
    input.setAttribute('aria-invalid', 'true');
    const msg = form.querySelector(`#${CSS.escape(input.id)}-msg`);
    if (msg) msg.textContent = message;
    first ??= input;
  }
  first?.focus();
  return first !== null;
}

function findInput(form, name) {
  const candidates = [name, name.split('.').slice(-1)[0], name.replace(/\.(\d+)\./g, '[$1].')];
  for (const c of candidates) {
    const el = form.querySelector(`[name="${CSS.escape(c)}"]`);
    if (el) return el;
  }
  return null;
}

export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-msg')) el.textContent = '';
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function errorBox(err) {
  const detail = err?.problem?.fix ? ` ${err.problem.fix}` : '';
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, 'Error: '), `${err?.message || err}${detail}`);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** Tells screen readers what changed. */
export function announce(text) {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}

export const fmt = {
  days(hours) { return hours === undefined || hours === null ? '–' : `${(hours / 24).toFixed(1)} d`; },
  num(n, digits = 0) {
    return n === undefined || n === null ? '–' : Number(n).toLocaleString('en', { maximumFractionDigits: digits });
  },
  usd(n) { return n === undefined || n === null ? '–' : `$${fmt.num(n)}`; },
  kg(n) { return n === undefined || n === null ? '–' : `${fmt.num(n)} kg`; },
  when(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  },
  date(iso) { return iso ? String(iso).slice(0, 10) : '–'; },
};

/** A table from rows and column specs [{label, value: row => text|Node, class}]. */
export function table(columns, rows, { caption } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', { class: c.class }, c.value(row))))))));
}
