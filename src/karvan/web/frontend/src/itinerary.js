// Itineraries as the pages use them, whatever the planner's exact field names, and how they are drawn.
import { L } from './map.js';
import { fmt, h } from './ui.js';

/** Colours for corridors the table below does not name. */
const ITINERARY_COLORS = ['#0b5cad', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207'];

/** One colour per corridor (the planner's names in data/corridors.yaml), the same on every map and chart. */
const CORRIDOR_COLORS = {
  'Middle Corridor': '#c2410c', 'Northern route': '#0b5cad', 'Southern route via Iran': '#a16207',
  'Sea via Suez': '#15803d', 'Sea via Cape of Good Hope': '#7c3aed', Sea: '#0e7490',
};

export function corridorColor(name, index = 0) {
  return CORRIDOR_COLORS[name] || ITINERARY_COLORS[index % ITINERARY_COLORS.length];
}

const pick = (obj, ...names) => names.map((n) => obj?.[n]).find((v) => v !== undefined && v !== null);

/** Days from a record that gives days or hours. */
function days(obj, name) {
  const d = pick(obj, `${name}_days`, `days_${name}`);
  if (d !== undefined) return d;
  const hours = pick(obj, `${name}_hours`, `hours_${name}`);
  return hours === undefined ? undefined : hours / 24;
}

/** A place code from a code or a {locode, name} reference. */
const code = (ref) => (ref && typeof ref === 'object' ? ref.locode ?? ref.code : ref);

export function normaliseLeg(leg) {
  return {
    ...leg,
    from: code(pick(leg, 'from', 'origin', 'from_place', 'a')),
    to: code(pick(leg, 'to', 'destination', 'to_place', 'b')),
    from_name: pick(leg.origin ?? {}, 'name') ?? code(pick(leg, 'from', 'origin')),
    to_name: pick(leg.destination ?? {}, 'name') ?? code(pick(leg, 'to', 'destination')),
    mode: pick(leg, 'mode') || '',
    service: pick(leg, 'service_name', 'service', 'service_id') || '',
    service_id: pick(leg, 'service_id', 'service'),
    operator: pick(leg, 'operator', 'operator_code') || '',
    depart: pick(leg, 'depart', 'departs_at', 'departure', 'etd'),
    arrive: pick(leg, 'arrive', 'arrives_at', 'arrival', 'eta'),
    path: pick(leg, 'path', 'stops', 'places'),
    kind: pick(leg, 'kind', 'type') || 'move',
  };
}

export function normaliseItinerary(raw, index) {
  const legs = (pick(raw, 'legs', 'steps') || []).map(normaliseLeg);
  const moves = legs.filter((l) => l.from && l.to && l.from !== l.to);
  return {
    raw,
    id: pick(raw, 'id', 'itinerary_id') ?? String(index),
    label: pick(raw, 'label', 'corridor', 'name') || moves.map((l) => l.from).concat(moves.at(-1)?.to ?? []).join(' – '),
    p50_days: days(raw, 'p50') ?? pick(raw, 'transit_days', 'transit_days_p50', 'days'),
    p90_days: days(raw, 'p90') ?? pick(raw, 'transit_days_p90'),
    cost_usd: pick(raw, 'cost_usd', 'price_usd', 'total_usd'),
    co2e_kg: pick(raw, 'co2e_kg', 'emissions_co2e_kg', 'wtw_co2e_kg'),
    legs,
    color: corridorColor(pick(raw, 'corridor'), index),
  };
}

/** Coordinates of each link keyed "A|B" (both directions), from the network GeoJSON. */
export function linkIndex(geo) {
  const index = new Map();
  const places = new Map();
  for (const f of geo.features) {
    if (f.properties.layer === 'places') places.set(f.properties.code, f.geometry.coordinates);
    if (f.properties.layer !== 'links') continue;
    const coords = f.geometry.coordinates;
    const { a, b } = f.properties;
    if (!index.has(`${a}|${b}`) || f.properties.mode !== 'road') {
      index.set(`${a}|${b}`, coords);
      index.set(`${b}|${a}`, [...coords].reverse());
    }
  }
  return { links: index, places };
}

/** [lat, lon] points of an itinerary over the network: each leg's stops joined by the links between them. */
export function itineraryLatLngs(itinerary, { links, places }) {
  const points = [];
  for (const leg of itinerary.legs) {
    const stops = leg.path && leg.path.length >= 2 ? leg.path : [leg.from, leg.to];
    for (let i = 0; i + 1 < stops.length; i += 1) {
      const coords = links.get(`${stops[i]}|${stops[i + 1]}`)
        || [places.get(stops[i]), places.get(stops[i + 1])].filter(Boolean);
      points.push(...coords.map(([lon, lat]) => [lat, lon]));
    }
  }
  return points;
}

export function drawItinerary(map, itinerary, index, { weight = 5 } = {}) {
  const points = itineraryLatLngs(itinerary, index);
  return L.polyline(points, { color: itinerary.color, weight, opacity: 0.85 }).bindTooltip(itinerary.label);
}

export function legsList(itinerary) {
  return h('ol', { class: 'legs' }, itinerary.legs.map((l) => h('li', {},
    `${l.from_name} → ${l.to_name}`, l.mode ? ` · ${l.mode}` : '', l.service ? ` · ${l.service}` : '',
    l.operator ? ` (${l.operator})` : '', l.depart ? ` · departs ${fmt.when(l.depart)}` : '')));
}

export function figures(itinerary) {
  return h('div', { class: 'figures' },
    h('span', {}, 'Days p50 ', h('b', {}, fmt.num(itinerary.p50_days, 1))),
    h('span', {}, 'p90 ', h('b', {}, fmt.num(itinerary.p90_days, 1))),
    h('span', {}, 'Cost ', h('b', {}, fmt.usd(itinerary.cost_usd))),
    h('span', {}, 'CO₂e ', h('b', {}, fmt.kg(itinerary.co2e_kg))));
}
