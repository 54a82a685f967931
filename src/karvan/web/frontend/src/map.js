// Leaflet maps on a bundled Natural Earth base (world-atlas), or on a tile server when one is configured.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature } from 'topojson-client';

let configPromise;
let worldPromise;

/** Settings the server gives the pages (GET /web-config.json), e.g. {tile_url, tile_attribution}. */
export function webConfig() {
  configPromise ??= fetch('/web-config.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return configPromise;
}

function worldCountries() {
  worldPromise ??= import('world-atlas/countries-50m.json').then((m) => {
    const topology = m.default;
    return feature(topology, topology.objects.countries);
  });
  return worldPromise;
}

/** Colours and line styles of the corridor layers; one legend entry each. */
export const LAYER_STYLES = {
  'rail-1435': { label: 'Rail, 1435 mm gauge', color: '#1f6fb2', weight: 3 },
  'rail-1520': { label: 'Rail, 1520 mm gauge', color: '#b2421f', weight: 3 },
  ferry: { label: 'Ferry', color: '#0f8f8f', weight: 3, dashArray: '8 6' },
  sea: { label: 'Sea', color: '#4c5fa8', weight: 2, dashArray: '2 6' },
  road: { label: 'Road', color: '#7a6a18', weight: 2, dashArray: '10 4 2 4' },
};

export function layerKey(props) {
  return props.mode === 'rail' ? `rail-${props.gauge}` : props.mode;
}

/** A map in `el` centred on the corridor, with the base map loading in the background. */
export function createMap(el, { center = [42, 55], zoom = 3 } = {}) {
  const map = L.map(el, { center, zoom, minZoom: 2, worldCopyJump: true, preferCanvas: false });
  map.on('unload', () => { map.removed = true; });
  map.attributionControl.setPrefix(false);
  addBase(map);
  return map;
}

async function addBase(map) {
  const config = await webConfig();
  if (map.removed) return;
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '' }).addTo(map);
    return;
  }
  map.getContainer().classList.add('offline-base');
  const countries = await worldCountries();
  if (map.removed) return;
  L.geoJSON(countries, {
    interactive: false,
    style: { color: '#9aa5b1', weight: 0.6, fillColor: '#f3f1ea', fillOpacity: 1 },
  }).addTo(map).bringToBack();
  map.attributionControl.addAttribution('Base map: Natural Earth (public domain) via world-atlas');
}

/** A legend control listing the given layer keys, with a toggle per layer; folded on narrow screens. */
export function legend(map, layers, position = 'bottomright') {
  const control = L.control({ position });
  control.onAdd = () => {
    const box = L.DomUtil.create('details', 'legend');
    box.open = !window.matchMedia('(max-width: 700px)').matches;
    L.DomEvent.disableClickPropagation(box);
    L.DomUtil.create('summary', '', box).textContent = 'Layers';
    for (const [key, layer] of Object.entries(layers)) {
      const style = LAYER_STYLES[key] || { label: key, color: '#333' };
      const id = `layer-${key}`;
      const row = L.DomUtil.create('label', 'legend-row', box);
      row.htmlFor = id;
      const input = L.DomUtil.create('input', '', row);
      input.type = 'checkbox';
      input.id = id;
      input.checked = true;
      input.addEventListener('change', () => (input.checked ? layer.addTo(map) : layer.remove()));
      const swatch = L.DomUtil.create('span', 'swatch', row);
      swatch.style.borderTopColor = style.color;
      swatch.style.borderTopStyle = style.dashArray ? 'dashed' : 'solid';
      row.append(style.label);
    }
    return box;
  };
  control.addTo(map);
  return control;
}

export { L };
