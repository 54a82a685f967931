// The CIM/SMGS consignment note in the pages: the consignor's declarations for a confirmed booking (Book),
// the note's status, PDF and public verification page (Book and Track).
import { api, session } from './api.js';
import { announce, clearFieldErrors, errorBox, field, fill, h, showFieldErrors } from './ui.js';

const NOTES = '/documents/consignment-notes';
const INCOTERMS = ['FCA', 'EXW', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'];

/** A form drafting the booking's note; every missing item the API lists shows next to its field. */
export function notePanel(booking, shipment) {
  const railways = [...new Set(booking.legs.map((leg) => leg.operator))];
  const outcome = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Draft consignment note');
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Consignment note' },
    h('h2', {}, 'CIM/SMGS consignment note'),
    h('div', { class: 'row' },
      field('Incoterm', h('select', { name: 'instructions.incoterm' }, INCOTERMS.map((t) => h('option', { value: t }, t)))),
      field('Incoterm place', h('input', { type: 'text', name: 'instructions.incoterm_place', maxlength: 100 }))),
    h('h3', {}, 'Who pays each railway (payer codes)'),
    h('div', { class: 'row' }, railways.map((code) =>
      field(code, h('input', { type: 'text', name: `instructions.payer_codes.${code}`, maxlength: 40 })))),
    h('h3', {}, 'Containers'),
    shipment.containers.map(containerRow),
    field('Declarations (one per line, optional)', h('textarea', { name: 'instructions.declarations', rows: 2 })),
    h('div', { class: 'row' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    submit.disabled = true;
    try {
      const note = await api(NOTES, { method: 'POST', body: { booking_id: booking.id, instructions: instructions(form, shipment, railways) } });
      form.hidden = true;
      fill(outcome, noteCard(note));
      announce(`Consignment note ${note.status}`);
    } catch (err) {
      showFieldErrors(form, err.fields || {});
      fill(outcome, errorBox(err), missingList(err));
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', {}, form, outcome);
}

function containerRow(c) {
  const name = (key) => `instructions.containers[${c.number}].${key}`;
  return h('fieldset', { class: 'container' }, h('legend', {}, `${c.number} ${c.container_type}`),
    h('div', { class: 'row' },
      field('Tare (kg)', h('input', { type: 'number', name: name('tare_kg'), min: 1, max: 6000 })),
      field('Seals (comma separated)', h('input', { type: 'text', name: name('seals') })),
      field('Packages', h('input', { type: 'number', name: name('package_quantity'), min: 1 })),
      field('Package code', h('input', { type: 'text', name: name('package_type_code'), value: 'PK', maxlength: 2 })),
      c.dangerous_goods_class ? field('UN number', h('input', { type: 'text', name: name('un_number'), maxlength: 4 })) : null));
}

function instructions(form, shipment, railways) {
  const value = (name) => form.querySelector(`[name="${CSS.escape(name)}"]`)?.value.trim() || '';
  const number = (name) => (value(name) ? Number(value(name)) : null);
  const payer = Object.fromEntries(railways.map((code) => [code, value(`instructions.payer_codes.${code}`)]).filter(([, v]) => v));
  return {
    incoterm: value('instructions.incoterm') || null,
    incoterm_place: value('instructions.incoterm_place') || null,
    payer_codes: payer,
    declarations: value('instructions.declarations').split('\n').map((l) => l.trim()).filter(Boolean),
    containers: shipment.containers.map((c) => {
      const key = (k) => `instructions.containers[${c.number}].${k}`;
      return { number: c.number, tare_kg: number(key('tare_kg')), package_quantity: number(key('package_quantity')),
        seals: value(key('seals')).split(',').map((s) => s.trim()).filter(Boolean),
        package_type_code: value(key('package_type_code')) || 'PK', un_number: value(key('un_number')) || null };
    }),
  };
}

/** Every missing data item of a missing-data problem, as a list (some belong to the shipment, not this form). */
function missingList(err) {
  const items = err.problem?.errors || [];
  return items.length ? h('ul', { class: 'missing' }, items.map((e) => h('li', {}, h('code', {}, e.field), ` ${e.message}`))) : null;
}

/** The note's number, version and status, with Issue (drafts), PDF and the verification page. */
export function noteCard(note) {
  const card = h('div', { class: 'ok card', role: 'status' });
  const render = (n) => {
    const handovers = n.events.filter((e) => e.kind === 'XCNH' && e.version === n.version);
    fill(card,
      h('h3', { tabindex: '-1' }, `Consignment note ${n.note_number}, version ${n.version}: ${n.status.replace('_', ' ')}`),
      h('p', {}, `SHA-256 ${n.sha256}`),
      n.consignment.law_changes_at.length ? h('p', {}, `Legal regime changes at ${n.consignment.law_changes_at.join('; ')}`) : null,
      handovers.length ? h('p', {}, `Handed over: ${handovers.map((e) => `${e.railway} at ${e.place}`).join(', ')}`) : null,
      h('div', { class: 'row' },
        n.status === 'draft' ? h('button', { type: 'button', onclick: async () => {
          try { render(await api(`${NOTES}/${n.note_number}/issue`, { method: 'POST' })); } catch (err) { card.append(errorBox(err)); }
        } }, 'Issue and sign') : null,
        h('button', { type: 'button', class: 'secondary', onclick: () => openPdf(n).catch((err) => card.append(errorBox(err))) }, 'PDF'),
        h('a', { href: `/verify/${n.note_number}?version=${n.version}`, target: '_blank', rel: 'noopener' }, 'Verification page')));
  };
  render(note);
  return card;
}

async function openPdf(note) {
  const response = await fetch(`${NOTES}/${note.note_number}/pdf?version=${note.version}`,
    { headers: { Authorization: `Bearer ${session.key}` } });
  if (!response.ok) throw new Error(`the PDF could not be made (${response.status})`);
  window.open(URL.createObjectURL(await response.blob()), '_blank', 'noopener');
}

/** For Track: the booking's note, if the caller may read one. */
export async function bookingNote(booking) {
  const numbers = await api(`${NOTES}?booking_id=${encodeURIComponent(booking.id)}`);
  return numbers.length ? api(`${NOTES}/${numbers[0]}`) : null;
}
