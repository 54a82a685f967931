// Book: from the itinerary chosen on Plan, declare containers and parties; the API's validation shows next
// to each field, and the confirmation lists the departures reserved.
import { api } from '../api.js';
import { figures, legsList, normaliseItinerary } from '../itinerary.js';
import { announce, clearFieldErrors, empty, errorBox, field, fill, fmt, h, showFieldErrors, table } from '../ui.js';
import { CONTAINER_TYPES, SELECTED_KEY } from './plan.js';

const PARTY_ROLES = [
  ['shipper', 'Shipper', true], ['consignee', 'Consignee', true], ['notify_party', 'Notify party', false],
  ['exporter_of_record', 'Exporter of record', false], ['importer_of_record', 'Importer of record', false],
];

export default {
  title: 'Book',
  roles: ['shipper', 'forwarder'],
  render(main, { go }) {
    const section = h('section', { class: 'page' }, h('h1', {}, 'Book'));
    main.append(section);
    const saved = JSON.parse(sessionStorage.getItem(SELECTED_KEY) || 'null');
    if (!saved) {
      section.append(empty('Choose an itinerary on the Plan page first.'),
        h('button', { type: 'button', onclick: () => go('plan') }, 'Go to Plan'));
      return;
    }
    const itinerary = normaliseItinerary(saved.itinerary, 0);
    const request = saved.request || {};
    const containerRows = h('div', { class: 'containers' });
    const addContainer = () => containerRows.append(containerFieldset(containerRows.children.length, request));
    const submit = h('button', { type: 'submit' }, 'Request booking');
    const outcome = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Booking' },
      h('h2', {}, 'Containers'), containerRows,
      h('button', { type: 'button', class: 'secondary', onclick: addContainer }, 'Add a container'),
      h('h2', {}, 'Parties'),
      h('p', { class: 'hint' }, 'Notify party and importer/exporter of record may be left empty when they are the consignee and shipper.'),
      PARTY_ROLES.map(([role, label, required]) => partyFieldset(role, label, required)),
      h('div', { class: 'row' }, submit));
    for (let i = 0; i < Math.max(1, Math.min(request.cargo?.count || 1, 20)); i += 1) addContainer();

    section.append(h('div', { class: 'card' }, h('h2', {}, itinerary.label), figures(itinerary), legsList(itinerary)),
      h('div', { style: 'height:12px' }), form, outcome);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      fill(outcome);
      submit.disabled = true;
      submit.textContent = 'Booking…';
      try {
        const booking = await api('/bookings', { method: 'POST', body: bookingBody(form, saved) });
        sessionStorage.removeItem(SELECTED_KEY);
        fill(outcome, confirmation(booking, go));
        form.hidden = true;
        announce('Booking confirmed');
        outcome.querySelector('h2')?.focus();
      } catch (err) {
        showFieldErrors(form, err.fields || {});
        fill(outcome, errorBox(err));
      } finally {
        submit.disabled = false;
        submit.textContent = 'Request booking';
      }
    });
  },
};

function containerFieldset(i, request) {
  const type = h('select', { name: `containers.${i}.container_type` },
    CONTAINER_TYPES.map((t) => h('option', { value: t, selected: t === (request.cargo?.container_type || '40HC') }, t)));
  return h('fieldset', { class: 'container' }, h('legend', {}, `Container ${i + 1}`), h('div', { class: 'row' },
    field('Container number', h('input', { type: 'text', name: `containers.${i}.number`, placeholder: 'CSQU3054383',
      autocomplete: 'off', spellcheck: 'false', maxlength: 11 }), 'ISO 6346 with check digit'),
    field('Type', type),
    field('Gross kg', h('input', { type: 'number', name: `containers.${i}.gross_kg`, min: 1, max: 30480, value: request.weight_kg || '' })),
    field('Cargo description', h('input', { type: 'text', name: `containers.${i}.cargo_description` })),
    field('HS code', h('input', { type: 'text', name: `containers.${i}.hs_code`, inputmode: 'numeric', placeholder: '847130' })),
    field('Dangerous goods class', h('input', { type: 'text', name: `containers.${i}.dangerous_goods_class`, placeholder: 'none' }))));
}

function partyFieldset(role, label, required) {
  const input = (name, attrs = {}) => h('input', { type: 'text', name: `parties.${role}.${name}`, ...attrs });
  return h('fieldset', { class: 'party', dataset: { role } }, h('legend', {}, `${label}${required ? '' : ' (optional)'}`),
    h('div', { class: 'row' },
      field('Name', input('name', { autocomplete: 'organization' })),
      field('Address', input('address', { autocomplete: 'street-address' })),
      field('Country', input('country', { maxlength: 2, placeholder: 'KZ', size: 4 }), 'ISO code'),
      field('Tax/EORI id', input('tax_id')),
      field('Email', input('email', { type: 'email', autocomplete: 'email' }))));
}

/** The booking request from the form: empty optional parties and fields are left out. */
function bookingBody(form, saved) {
  const value = (name) => form.querySelector(`[name="${name}"]`)?.value.trim() ?? '';
  const containers = [...form.querySelectorAll('fieldset.container')].map((_, i) => {
    const c = {
      number: value(`containers.${i}.number`).toUpperCase(), container_type: value(`containers.${i}.container_type`),
      gross_kg: Number(value(`containers.${i}.gross_kg`)) || null,
      cargo_description: value(`containers.${i}.cargo_description`), hs_code: value(`containers.${i}.hs_code`),
    };
    const dg = value(`containers.${i}.dangerous_goods_class`);
    if (dg) c.dangerous_goods_class = dg;
    return c;
  });
  const parties = {};
  for (const [role, , required] of PARTY_ROLES) {
    const party = {};
    for (const name of ['name', 'address', 'country', 'tax_id', 'email']) {
      const v = value(`parties.${role}.${name}`);
      if (v) party[name] = name === 'country' ? v.toUpperCase() : v;
    }
    if (required || Object.keys(party).length) parties[role] = party;
  }
  const it = saved.itinerary || {};
  return {
    itinerary_id: it.id ?? it.itinerary_id, quote_id: it.quote_id ?? saved.quote_id, itinerary: it,
    containers, parties,
  };
}

function confirmation(booking, go) {
  const departures = booking.reservations || booking.departures || booking.reserved_departures || [];
  const ref = booking.reference || booking.id || booking.booking_id;
  return h('div', { class: 'ok card', role: 'status' },
    h('h2', { tabindex: '-1' }, `Booking ${ref} ${booking.status || 'confirmed'}`),
    departures.length ? table([
      { label: 'Service', value: (d) => d.service_name || d.service_id || d.service || '' },
      { label: 'From', value: (d) => d.from || d.origin || d.board || '' },
      { label: 'To', value: (d) => d.to || d.destination || d.alight || '' },
      { label: 'Departs', value: (d) => fmt.when(d.departs_at || d.departure || d.depart) },
      { label: 'TEU', value: (d) => fmt.num(d.teu), class: 'num' },
    ], departures, { caption: 'Reserved departures' }) : null,
    h('p', {}, h('button', { type: 'button', onclick: () => go('track') }, 'Track this shipment')));
}
