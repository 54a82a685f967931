// Analyse: volumes by month and corridor, transit and dwell distributions, on-time and ETA accuracy, and
// the bottlenecks (longest dwells, fullest departures). Each organisation sees its own bookings and events.
import { api } from '../api.js';
import { barChart, stackedColumns } from '../charts.js';
import { corridorColor } from '../itinerary.js';
import { empty, errorBox, fill, fmt, h, loading, table } from '../ui.js';

const KPIS = ['volumes', 'transit_od', 'transit_legs', 'dwell', 'on_time', 'eta_accuracy', 'utilisation'];
/** Departures at least this full are listed as bottlenecks. */
const FULL_PCT = 85;

export default {
  title: 'Analyse',
  roles: ['shipper', 'forwarder', 'railway', 'port', 'ferry_line'],
  render(main, { me }) {
    const body = h('div', {}, loading('Computing KPIs…'));
    main.append(h('section', { class: 'page' }, h('h1', {}, 'Analyse'),
      h('p', { class: 'hint' }, me.role === 'corridor_admin'
        ? 'All organisations\' bookings and tracking events; departures of every operator.'
        : 'Your organisation\'s bookings and tracking events; departures of every operator.'), body));
    Promise.all(KPIS.map((k) => api(`/analytics/${k}`).then((r) => r.rows)))
      .then((results) => fill(body, dashboard(Object.fromEntries(KPIS.map((k, i) => [k, results[i]])))))
      .catch((err) => fill(body, errorBox(err)));
  },
};

const hours = (v) => `${fmt.num(v, 1)} h`;
const days = (v) => `${fmt.num(v / 24, 1)} d`;

function dashboard(k) {
  return [
    section('Volumes by month and corridor', volumes(k.volumes)),
    h('div', { class: 'grid2' },
      section('Transit time per origin–destination', k.transit_od.length
        ? [barChart('Transit, p50 to p90', k.transit_od.map((r) => ({ label: `${r.origin}–${r.destination}`, value: r.p50_hours, high: r.p90_hours })), { unit: days }),
          table([
            { label: 'From', value: (r) => r.origin }, { label: 'To', value: (r) => r.destination },
            { label: 'Journeys', value: (r) => r.journeys, class: 'num' },
            { label: 'p50', value: (r) => days(r.p50_hours), class: 'num' }, { label: 'p90', value: (r) => days(r.p90_hours), class: 'num' },
          ], k.transit_od)]
        : empty('No completed journeys yet (first to last actual event per container).')),
      section('Dwell per place', k.dwell.length
        ? [barChart('Dwell, p50 to p90', k.dwell.map((r) => ({ label: r.locode, value: r.p50_hours, high: r.p90_hours, color: '#c2410c' })), { unit: hours }),
          table([
            { label: 'Place', value: (r) => r.locode }, { label: 'Dwells', value: (r) => r.dwells, class: 'num' },
            { label: 'p50', value: (r) => hours(r.p50_hours), class: 'num' }, { label: 'p90', value: (r) => hours(r.p90_hours), class: 'num' },
          ], k.dwell)]
        : empty('No dwells measured yet (arrival to next departure at a place).'))),
    section('Transit time per leg', k.transit_legs.length ? table([
      { label: 'Service', value: (r) => r.service }, { label: 'From', value: (r) => r.origin }, { label: 'To', value: (r) => r.destination },
      { label: 'Legs', value: (r) => r.legs, class: 'num' },
      { label: 'p50', value: (r) => hours(r.p50_hours), class: 'num' }, { label: 'p90', value: (r) => hours(r.p90_hours), class: 'num' },
    ], k.transit_legs) : empty('No legs completed yet (load/departure to arrival/discharge).')),
    section('Bottlenecks', bottlenecks(k.dwell, k.utilisation)),
    h('div', { class: 'grid2' },
      section('On time', k.on_time.length ? table([
        { label: 'Month', value: (r) => r.month }, { label: 'Corridor', value: (r) => r.corridor },
        { label: 'Delivered', value: (r) => r.delivered, class: 'num' },
        { label: 'On time', value: (r) => `${fmt.num(r.on_time_pct, 0)} %`, class: 'num' },
        { label: 'Delay p50', value: (r) => hours(r.delay_p50_hours), class: 'num' },
      ], k.on_time) : empty('No deliveries yet.')),
      section('ETA accuracy', k.eta_accuracy.length ? table([
        { label: 'Horizon', value: (r) => r.horizon }, { label: 'Estimates', value: (r) => r.estimates, class: 'num' },
        { label: 'Mean |error|', value: (r) => hours(r.mean_abs_error_hours), class: 'num' },
        { label: 'p90 |error|', value: (r) => hours(r.p90_abs_error_hours), class: 'num' },
        { label: 'Bias', value: (r) => hours(r.bias_hours), class: 'num' },
      ], k.eta_accuracy) : empty('No estimated arrivals compared with actual ones yet.'))),
  ];
}

function section(title, ...content) {
  return h('section', { class: 'card kpi', 'aria-label': title }, h('h2', {}, title), content);
}

function volumes(rows) {
  if (!rows.length) return empty('No bookings yet.');
  const corridors = [...new Set(rows.map((r) => r.corridor))];
  const colors = Object.fromEntries(corridors.map((c, i) => [c, corridorColor(c, i)]));
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const columns = months.map((m) => ({ label: m, parts: Object.fromEntries(rows.filter((r) => r.month === m).map((r) => [r.corridor, r.teu])) }));
  return [h('div', { class: 'chart' }, stackedColumns('TEU booked per departure month', columns, colors, { unit: (v) => fmt.num(v) })),
    table([
      { label: 'Month', value: (r) => r.month }, { label: 'Corridor', value: (r) => r.corridor },
      { label: 'TEU', value: (r) => fmt.num(r.teu), class: 'num' }, { label: 'Bookings', value: (r) => r.bookings, class: 'num' },
      { label: 'vs previous month', value: (r) => pct(r.growth_vs_previous_month_pct), class: 'num' },
      { label: 'vs last year', value: (r) => pct(r.growth_vs_last_year_pct), class: 'num' },
    ], rows)];
}

function pct(v) {
  return v === null || v === undefined ? '–' : `${v > 0 ? '+' : ''}${fmt.num(v, 1)} %`;
}

/** The slowest places (by p90 dwell) and the fullest departures. */
function bottlenecks(dwell, utilisation) {
  const slow = [...dwell].sort((a, b) => b.p90_hours - a.p90_hours).slice(0, 5);
  const full = utilisation.filter((r) => r.utilisation_pct >= FULL_PCT).sort((a, b) => b.utilisation_pct - a.utilisation_pct).slice(0, 10);
  return h('div', { class: 'grid2' },
    h('div', {}, h('h3', {}, 'Longest dwells (p90)'), slow.length ? table([
      { label: 'Place', value: (r) => r.locode }, { label: 'p90', value: (r) => hours(r.p90_hours), class: 'num' },
      { label: 'Dwells', value: (r) => r.dwells, class: 'num' },
    ], slow) : empty('No dwells measured yet.')),
    h('div', {}, h('h3', {}, `Departures at least ${FULL_PCT} % full`), full.length ? table([
      { label: 'Service', value: (r) => r.service_id }, { label: 'Departs', value: (r) => fmt.when(r.departs_at) },
      { label: 'Booked / capacity', value: (r) => `${r.booked_teu} / ${r.capacity_teu} TEU`, class: 'num' },
      { label: 'Full', value: (r) => `${fmt.num(r.utilisation_pct, 0)} %`, class: 'num' },
    ], full) : empty(`No departure is ${FULL_PCT} % full; ${utilisation.length} departures published.`)));
}
