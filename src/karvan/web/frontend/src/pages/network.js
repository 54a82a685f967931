// Network map: every corridor link by mode (rail by gauge, ferry, sea, road) and the places; a click on a
// place shows its facilities, services and dwell times.
import { api } from '../api.js';
import { createMap, layerKey, legend, L, LAYER_STYLES } from '../map.js';
import { empty, errorBox, fill, fmt, h, loading, table } from '../ui.js';

export default {
  title: 'Network',
  roles: ['shipper', 'forwarder', 'railway', 'port', 'ferry_line'],
  render(main) {
    const panel = h('aside', { class: 'side', 'aria-label': 'Place details' },
      h('p', { class: 'hint' }, 'Select a place on the map, or search for one.'));
    const mapEl = h('div', { class: 'map', id: 'network-map', role: 'region', 'aria-label': 'Network map' });
    const status = h('div', { class: 'map-status' }, loading('Loading the network…'));
    const select = h('select', { name: 'place', id: 'place-select' }, h('option', { value: '' }, 'Choose a place…'));
    main.append(h('section', { class: 'page wide' },
      h('div', { class: 'page-head' }, h('h1', {}, 'Network'),
        h('div', { class: 'field inline' }, h('label', { for: 'place-select' }, 'Place'), select), status),
      h('div', { class: 'split' }, mapEl, panel)));

    const map = createMap(mapEl);
    const markers = new Map();
    const showPlace = (code) => placeDetails(panel, code, markers, map);
    select.addEventListener('change', () => select.value && showPlace(select.value));
    api('/network.geojson').then((geo) => {
      if (map.removed) return;
      fill(status, `${geo.features.filter((f) => f.properties.layer === 'links').length} links, ` +
        `${geo.features.filter((f) => f.properties.layer === 'places').length} places`);
      const layers = drawNetwork(map, geo, markers, showPlace);
      fitTo(map, geo);
      legend(map, layers);
      const places = geo.features.filter((f) => f.properties.layer === 'places')
        .sort((a, b) => a.properties.name.localeCompare(b.properties.name));
      select.append(...places.map((f) => h('option', { value: f.properties.code },
        `${f.properties.name} (${f.properties.code})`)));
    }).catch((err) => fill(status, errorBox(err)));
    return () => map.remove();
  },
};

/** Zooms the map to show every feature of a GeoJSON object. */
export function fitTo(map, geo) {
  const bounds = L.geoJSON(geo).getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], animate: false });
}

/** Adds one layer per link style and a place layer; returns the layers by key for the legend. */
export function drawNetwork(map, geo, markers = new Map(), onPlace = null) {
  const layers = {};
  for (const key of Object.keys(LAYER_STYLES)) layers[key] = L.layerGroup();
  for (const f of geo.features) {
    if (f.properties.layer !== 'links') continue;
    const key = layerKey(f.properties);
    const style = LAYER_STYLES[key] || LAYER_STYLES.road;
    const line = L.geoJSON(f, { style: { ...style, opacity: 0.85 } });
    const p = f.properties;
    line.bindTooltip(`${p.a} – ${p.b}: ${p.mode}${p.gauge ? ` ${p.gauge} mm` : ''}, ${fmt.num(p.distance_km)} km`);
    (layers[key] ??= L.layerGroup()).addLayer(line);
  }
  const used = Object.fromEntries(Object.entries(layers).filter(([, g]) => g.getLayers().length));
  for (const g of Object.values(used)) g.addTo(map);
  const placeLayer = L.layerGroup().addTo(map);
  for (const f of geo.features) {
    if (f.properties.layer !== 'places') continue;
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    const gaugeChange = Boolean(p.facilities?.gauge_change);
    const marker = L.circleMarker([lat, lon], {
      radius: gaugeChange ? 7 : 5, color: '#222', weight: 1.5,
      fillColor: gaugeChange ? '#f2b705' : '#ffffff', fillOpacity: 1,
    }).bindTooltip(`${p.name} (${p.code})`);
    if (onPlace) marker.on('click', () => onPlace(p.code));
    markers.set(p.code, marker);
    placeLayer.addLayer(marker);
  }
  return used;
}

async function placeDetails(panel, code, markers, map) {
  fill(panel, loading(`Loading ${code}…`));
  const marker = markers.get(code);
  if (marker) map.panTo(marker.getLatLng());
  try {
    const place = await api(`/network/places/${encodeURIComponent(code)}`);
    const f = place.facilities || {};
    const facilities = [
      f.gauge_change && `Gauge change (${f.gauge_change.method}, ${fmt.num(f.gauge_change.capacity_teu_per_day)} TEU/day)`,
      f.customs && 'Customs', f.container_yard && 'Container yard', f.ferry_berth && 'Ferry berth',
      f.reefer_plugs && `${f.reefer_plugs} reefer plugs`,
    ].filter(Boolean);
    fill(panel,
      h('h2', {}, `${place.name} `, h('span', { class: 'code' }, place.code)),
      h('p', {}, `${place.country} · ${place.kinds.map((k) => k.replace(/_/g, ' ')).join(', ')} · ${place.timezone}`),
      h('h3', {}, 'Facilities'),
      facilities.length ? h('ul', {}, facilities.map((t) => h('li', {}, t))) : empty('None recorded.'),
      h('h3', {}, 'Dwell times'),
      place.dwells.length ? table([
        { label: 'Activity', value: (d) => d.kind.replace(/_/g, ' ') },
        { label: 'p50', value: (d) => `${fmt.num(d.p50_hours, 1)} h`, class: 'num' },
        { label: 'p90', value: (d) => `${fmt.num(d.p90_hours, 1)} h`, class: 'num' },
      ], place.dwells) : empty('None recorded.'),
      h('h3', {}, 'Services'),
      place.services.length ? table([
        { label: 'Service', value: (s) => s.name },
        { label: 'Operator', value: (s) => s.operator },
        { label: 'Mode', value: (s) => s.mode },
        { label: 'Per week', value: (s) => fmt.num(s.departures_per_week, 1), class: 'num' },
      ], place.services) : empty('No scheduled services call here.'),
      h('p', { class: 'source' }, `Source: ${place.source}`));
  } catch (err) {
    fill(panel, errorBox(err));
  }
}
