// Plan: origin/destination by name or UN/LOCODE, date, cargo and constraints; the Pareto itineraries on
// the map, in a list and in a side-by-side comparison chart.
import { api } from '../api.js';
import { placeInput } from '../autocomplete.js';
import { barChart } from '../charts.js';
import { corridorColor, drawItinerary, figures, legsList, linkIndex, normaliseItinerary } from '../itinerary.js';
import { createMap, L } from '../map.js';
import { announce, clearFieldErrors, empty, errorBox, field, fill, fmt, h, loading, showFieldErrors } from '../ui.js';
import { fitTo } from './network.js';

export const CONTAINER_TYPES = ['20GP', '40GP', '40HC', '20RF', '40RF'];
const MODES = ['rail', 'ferry', 'sea', 'road'];
export const SELECTED_KEY = 'karvan.selectedItinerary';

/** Days (p50 to p90), cost and CO2e per row, as three bar charts side by side. */
export function comparisonCharts(rows) {
  return h('div', { class: 'grid3' },
    barChart('Transit days (p50 to p90)', rows.map((r) => ({ label: r.label, value: r.p50_days ?? 0, high: r.p90_days, color: r.color })), { unit: (v) => v.toFixed(1) }),
    barChart('Cost per container (USD)', rows.map((r) => ({ label: r.label, value: r.cost_usd ?? 0, color: r.color })), { unit: (v) => fmt.usd(v) }),
    barChart('CO₂e per container (kg, well-to-wheel)', rows.map((r) => ({ label: r.label, value: r.co2e_kg ?? 0, color: r.color })), { unit: (v) => fmt.num(v) }));
}

export default {
  title: 'Plan',
  roles: ['shipper', 'forwarder'],
  render(main, { go }) {
    const origin = placeInput('origin');
    const destination = placeInput('destination');
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    const date = h('input', { type: 'date', name: 'depart', value: tomorrow, required: true });
    const type = h('select', { name: 'cargo.container_type' }, CONTAINER_TYPES.map((t) => h('option', { value: t, selected: t === '40HC' }, t)));
    const count = h('input', { type: 'number', name: 'cargo.count', min: 1, max: 500, value: 1, required: true });
    const gross = h('input', { type: 'number', name: 'weight_kg', min: 1, max: 30480, value: 20000 });
    const dg = h('input', { type: 'checkbox', name: 'dangerous_goods', id: 'f-dg' });
    const avoid = h('input', { type: 'text', name: 'avoid_countries', placeholder: 'e.g. RU, BY', autocomplete: 'off' });
    const modes = MODES.map((m) => h('input', { type: 'checkbox', name: 'modes', value: m, id: `mode-${m}`, checked: true }));
    const submit = h('button', { type: 'submit' }, 'Find itineraries');
    const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Plan a shipment' },
      h('div', { class: 'row' },
        field('From', origin.wrap, 'Name or UN/LOCODE'), field('To', destination.wrap, 'Name or UN/LOCODE')),
      h('div', { class: 'row' }, field('Depart after', date), field('Container type', type),
        field('Containers', count), field('Gross kg per container', gross)),
      h('div', { class: 'row' },
        field('Avoid countries', avoid, 'ISO codes, comma-separated'),
        h('fieldset', {}, h('legend', {}, 'Modes allowed'), h('div', { class: 'checks' },
          modes.map((input) => h('div', { class: 'check' }, input, h('label', { for: input.id }, input.value))))),
        h('div', { class: 'check' }, dg, h('label', { for: 'f-dg' }, 'Dangerous goods'))),
      submit);
    const mapEl = h('div', { class: 'map short', id: 'plan-map', role: 'region', 'aria-label': 'Itineraries map' });
    const results = h('div', { class: 'results', 'aria-live': 'polite' });
    const chart = h('div', { class: 'chart' });
    main.append(h('section', { class: 'page' }, h('h1', {}, 'Plan a shipment'), form,
      h('div', { class: 'split', style: 'margin-top:12px' }, mapEl,
        h('aside', { class: 'side', 'aria-label': 'Itineraries' }, h('h2', {}, 'Itineraries'), results)),
      h('section', { 'aria-label': 'Corridor comparison' }, h('h2', {}, 'Corridor comparison'), chart)));
    fill(results, empty('Choose an origin and a destination, then Find itineraries.'));

    const map = createMap(mapEl);
    const drawn = L.layerGroup().addTo(map);
    const networkReady = api('/network.geojson').then((geo) => {
      if (!map.removed) fitTo(map, geo);
      return linkIndex(geo);
    });
    let itineraries = [];
    let request = null;

    const select = (it) => {
      for (const card of results.querySelectorAll('.itinerary')) {
        card.classList.toggle('selected', card.dataset.id === String(it.id));
      }
      drawn.eachLayer((layer) => layer.setStyle({ weight: layer.options.itineraryId === it.id ? 8 : 4,
        opacity: layer.options.itineraryId === it.id ? 1 : 0.5 }));
    };

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      const missing = {};
      if (!origin.code()) missing.origin = 'Choose where the cargo starts.';
      if (!destination.code()) missing.destination = 'Choose where the cargo goes.';
      if (!date.value) missing.depart = 'Give a date.';
      if (Object.keys(missing).length) { showFieldErrors(form, missing); return; }
      request = {
        origin: origin.code(), destination: destination.code(), depart: date.value,
        cargo: { container_type: type.value, count: Number(count.value) }, weight_kg: Number(gross.value) || undefined,
        dangerous_goods: dg.checked,
        avoid_countries: avoid.value.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean),
        modes: modes.filter((m) => m.checked).map((m) => m.value),
      };
      submit.disabled = true;
      fill(results, loading('Planning… (searching services and departures)'));
      fill(chart);
      drawn.clearLayers();
      try {
        const answer = await api('/plan', { method: 'POST', body: request });
        itineraries = (answer.itineraries || answer).map(normaliseItinerary);
        const index = await networkReady;
        if (map.removed) return;
        showResults(index);
        announce(`${itineraries.length} itineraries found`);
        showComparison();
      } catch (err) {
        showFieldErrors(form, err.fields || {});
        fill(results, errorBox(err));
      } finally {
        submit.disabled = false;
      }
    });

    function showResults(index) {
      if (!itineraries.length) { fill(results, empty('No itinerary meets these constraints.')); return; }
      for (const it of itineraries) {
        const line = drawItinerary(map, it, index);
        line.options.itineraryId = it.id;
        line.on('click', () => select(it));
        drawn.addLayer(line);
      }
      const bounds = L.featureGroup(drawn.getLayers()).getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], animate: false });
      fill(results, h('p', { class: 'hint' }, 'Pareto-optimal on days, cost and CO₂e: none is better on all three.'),
        h('div', { class: 'itineraries' }, itineraries.map((it) => h('article', {
          class: 'itinerary', dataset: { id: String(it.id) }, style: `--it-color:${it.color}`,
          'aria-label': `Itinerary ${it.label}`,
        },
        h('h3', {}, it.label, h('span', { class: 'hint' }, ` · departs ${fmt.date(it.raw.departure)}, arrives ${fmt.date(it.raw.arrival)}`)),
        figures(it), legsList(it),
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'secondary', onclick: () => select(it) }, 'Show on map'),
          h('button', { type: 'button', onclick: () => book(it) }, 'Book this'))))));
    }

    async function showComparison() {
      fill(chart, loading('Comparing corridors…'));
      try {
        const comparison = await api('/plan/compare', { method: 'POST', body: request });
        const rows = comparison.corridors.map((c, i) => ({ ...normaliseItinerary(c.best, i), label: c.corridor,
          color: corridorColor(c.corridor, i) }));
        fill(chart, h('p', { class: 'hint' }, 'Each corridor\'s best itinerary for this request, per container.'),
          comparisonCharts(rows));
      } catch (err) {
        fill(chart, errorBox(err));
      }
    }

    function book(it) {
      sessionStorage.setItem(SELECTED_KEY, JSON.stringify({ request, itinerary: it.raw, label: it.label }));
      go('book');
    }
    return () => map.remove();
  },
};
