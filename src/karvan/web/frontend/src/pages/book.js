// Book: from the itinerary chosen on Plan, declare containers and parties; the API's validation shows next
// to each field, and the confirmation lists the departures reserved.
import { api } from '../api.js';
import { notePanel } from '../documents.js';
import { figures, legsList, normaliseItinerary } from '../itinerary.js';
import { announce, clearFieldErrors, empty, errorBox, field, fill, fmt, h, loading, showFieldErrors, table } from '../ui.js';
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
    const quoteBox = h('fieldset', { class: 'quote' }, h('legend', {}, 'Itinerary to book'), loading('Getting a firm quote…'));
    const submit = h('button', { type: 'submit', disabled: true }, 'Request booking');
    const outcome = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Booking' },
      quoteBox,
      h('h2', {}, 'Containers'), containerRows,
      h('button', { type: 'button', class: 'secondary', onclick: addContainer }, 'Add a container'),
      h('h2', {}, 'Parties'),
      field('Your reference (optional)', h('input', { type: 'text', name: 'reference', maxlength: 80 })),
      h('p', { class: 'hint' }, 'Notify party and importer/exporter of record may be left empty when they are the consignee and shipper.'),
      PARTY_ROLES.map(([role, label, required]) => partyFieldset(role, label, required)),
      h('div', { class: 'row' }, submit));
    for (let i = 0; i < Math.max(1, Math.min(request.cargo?.count || 1, 20)); i += 1) addContainer();

    section.append(h('div', { class: 'card' }, h('h2', {}, `Planned: ${itinerary.label}`), figures(itinerary), legsList(itinerary)),
      h('div', { style: 'height:12px' }), form, outcome);

    let quote = null;
    let shipment = null;
    requestQuote(request).then((q) => {
      quote = q;
      fill(quoteBox, h('legend', {}, 'Itinerary to book'), quoteChoices(q, itinerary));
      submit.disabled = false;
    }).catch((err) => fill(quoteBox, h('legend', {}, 'Itinerary to book'), errorBox(err)));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      fill(outcome);
      submit.disabled = true;
      try {
        const chosen = form.querySelector('input[name="itinerary"]:checked');
        if (!chosen) throw new Error('Choose the itinerary to book.');
        submit.textContent = 'Saving the shipment…';
        shipment ??= await api('/shipments', { method: 'POST', body: shipmentBody(form) });
        submit.textContent = 'Reserving departures…';
        const index = Number(chosen.value);
        const booking = await api('/bookings', { method: 'POST',
          body: { quote_id: quote.id, itinerary: index, shipment_id: shipment.id } });
        sessionStorage.removeItem(SELECTED_KEY);
        form.hidden = true;
        fill(outcome, confirmation(booking, shipment, go));
        announce(`Booking ${booking.status}`);
        outcome.querySelector('h2')?.focus();
      } catch (err) {
        // A shipment the booking refused (too heavy for a leg...) is declared again after the fix.
        if (err.fields?.shipment_id || !shipment) shipment = null;
        showFieldErrors(form, err.fields || {});
        fill(outcome, errorBox(err));
      } finally {
        submit.disabled = false;
        submit.textContent = 'Request booking';
      }
    });
  },
};

/** A firm quote for the planned request: the planner again, priced for the whole cargo. */
function requestQuote(request) {
  const cargo = { container_type: request.cargo?.container_type || '40HC', count: request.cargo?.count || 1,
    dangerous_goods: Boolean(request.dangerous_goods) };
  if (request.weight_kg) cargo.gross_kg_per_container = request.weight_kg;
  return api('/quotes', { method: 'POST', body: {
    origin: request.origin, destination: request.destination, departure_date: request.depart, cargo } });
}

/** Radio buttons, one per quoted itinerary; the one matching the planned itinerary is chosen. */
function quoteChoices(quote, planned) {
  const plannedServices = planned.legs.map((l) => l.service_id).join('|');
  const plannedStart = new Date(planned.raw.departure).getTime();
  const sameServices = (it) => it.legs.map((l) => l.service_id).join('|') === plannedServices;
  const match = quote.itineraries.find((it) => sameServices(it) && new Date(it.departs_at).getTime() === plannedStart)
    ?? quote.itineraries.find(sameServices);
  return h('div', { class: 'choices', dataset: { field: 'itinerary' } },
    h('p', { class: 'hint' }, `Quote ${quote.id}, valid until ${fmt.when(quote.valid_until)}; prices for the whole cargo (${quote.teu} TEU).`),
    match ? null : h('p', { class: 'error' }, 'The planned itinerary is not among those quoted (quotes do not apply ' +
      'avoided countries or modes): choose one below, or plan again.'),
    quote.itineraries.map((it) => h('div', { class: 'check' },
      h('input', { type: 'radio', name: 'itinerary', id: `it-${it.index}`, value: it.index, checked: it === match }),
      h('label', { for: `it-${it.index}` },
        `${it.corridor}: departs ${fmt.when(it.departs_at)}, arrives ${fmt.when(it.arrives_at)}, ` +
        `${fmt.num(it.transit_days, 1)} days, ${fmt.usd(it.price_usd)}, ${fmt.kg(it.co2e_kg)} CO₂e` +
        (it.free_teu == null ? '' : `, ${fmt.num(it.free_teu)} TEU free`),
        it === match ? h('span', { class: 'badge' }, ' as planned') : null))));
}

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

/** The shipment from the form: empty optional parties and fields are left out. */
function shipmentBody(form) {
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
  return { reference: value('reference'), parties, containers };
}

function confirmation(booking, shipment, go) {
  return h('div', { class: 'ok card', role: 'status' },
    h('h2', { tabindex: '-1' }, `Booking ${booking.id} ${booking.status}`),
    h('p', {}, `Shipment ${shipment.id}: ${shipment.containers.length} container(s), ${fmt.kg(shipment.gross_kg)}; ` +
      `${fmt.usd(booking.price_usd)}; departs ${fmt.when(booking.departs_at)}, arrives ${fmt.when(booking.arrives_at)}.`),
    table([
      { label: 'Departure', value: (d) => h('span', { class: 'code' }, d.departure_id) },
      { label: 'Service', value: (d) => d.service_id },
      { label: 'Operator', value: (d) => d.operator },
      { label: 'From', value: (d) => d.origin },
      { label: 'To', value: (d) => d.destination },
      { label: 'Departs', value: (d) => fmt.when(d.departs_at) },
      { label: 'Arrives', value: (d) => fmt.when(d.arrives_at) },
    ], booking.legs, { caption: 'Reserved departures' }),
    h('p', {}, h('button', { type: 'button', onclick: () => go('track', shipment.id) }, 'Track this shipment')),
    booking.status === 'confirmed' ? notePanel(booking, shipment) : null);
}
