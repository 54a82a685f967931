// Track: my shipments with status and ETA band; the selected shipment's (or a looked-up container's)
// positions on a live map that moves as events arrive (server-sent events), and a timeline per container
// with its exceptions. Routes: #/track, #/track/<shipment id>, #/track/container/<number>.
import { api, follow } from '../api.js';
import { bookingNote, noteCard } from '../documents.js';
import { linkIndex } from '../itinerary.js';
import { createMap, L } from '../map.js';
import { announce, empty, errorBox, field, fill, fmt, h, loading, showFieldErrors, table } from '../ui.js';
import { fitTo } from './network.js';

const STATUS_TEXT = (s) => String(s || '').replace(/_/g, ' ');

export default {
  title: 'Track',
  roles: ['shipper', 'forwarder', 'railway', 'port', 'ferry_line'],
  render(main, { me, params, go }) {
    const ships = ['shipper', 'forwarder', 'corridor_admin'].includes(me.role);
    const list = h('div', { 'aria-live': 'polite' }, loading('Loading shipments…'));
    const detail = h('div', { class: 'track-detail' });
    main.append(h('section', { class: 'page' }, h('h1', {}, 'Track'), containerSearch(go),
      ships ? [h('h2', {}, 'My shipments'), list] : null, detail));
    const listed = ships
      ? loadShipments(list, params[0]).catch((err) => { fill(list, errorBox(err)); return null; })
      : Promise.resolve(null);
    // The list's ETA band of the open shipment follows its live state.
    const onState = (state) => listed.then((rows) => rows?.update(state));
    if (params[0] === 'container' && params[1]) {
      return liveView(detail, { title: `Container ${params[1]}`, container: params[1], onState });
    }
    if (params[0]) return liveView(detail, { title: `Shipment ${params[0]}`, shipment: params[0], onState });
    fill(detail, empty(ships ? 'Choose a shipment, or find a container, to see it on the map.'
      : 'Find a container to see it on the map.'));
    return null;
  },
};

function containerSearch(go) {
  const number = h('input', { type: 'search', name: 'container', placeholder: 'CSQU3054383', maxlength: 11,
    autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { class: 'row inline-form', role: 'search', 'aria-label': 'Find a container' },
    field('Container number', number), h('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = number.value.trim().toUpperCase();
    if (!value) { showFieldErrors(form, { container: 'Give an ISO 6346 container number.' }); return; }
    go('track', 'container', value);
  });
  return form;
}

/** The organisation's recent shipments with their booking status and the ETA band of their containers. */
async function loadShipments(list, selected) {
  const [shipments, bookings] = await Promise.all([api('/shipments?limit=20'), api('/bookings?limit=100')]);
  const bookingOf = new Map(bookings.items.filter((b) => b.shipment_id).map((b) => [b.shipment_id, b]));
  if (!shipments.items.length) { fill(list, empty('No shipments yet: plan and book one first.')); return null; }
  const etaCells = new Map();
  fill(list, table([
    { label: 'Shipment', value: (s) => h('a', { href: `#/track/${encodeURIComponent(s.id)}`, 'aria-current': s.id === selected ? 'true' : null }, s.reference || s.id) },
    { label: 'Containers', value: (s) => s.containers.map((c) => c.number).join(', ') },
    { label: 'Route', value: (s) => { const b = bookingOf.get(s.id); return b ? `${b.legs[0]?.origin} → ${b.legs.at(-1)?.destination}` : '–'; } },
    { label: 'Booking', value: (s) => { const b = bookingOf.get(s.id); return b ? h('span', { class: `badge ${b.status}` }, STATUS_TEXT(b.status)) : 'not booked'; } },
    { label: 'ETA (p50–p90)', value: (s) => { const cell = h('span', {}, '…'); etaCells.set(s.id, cell); return cell; } },
  ], shipments.items));
  const update = (state) => {
    const cell = etaCells.get(state.shipment);
    if (cell) fill(cell, etaBand(state.containers, bookingOf.get(state.shipment)));
  };
  for (const s of shipments.items.slice(0, 10)) {
    api(`/track/shipments/${encodeURIComponent(s.id)}`).then(update).catch(() => fill(etaCells.get(s.id), '–'));
  }
  return { update };
}

/** The widest band over a shipment's containers: earliest p50 to latest p90 (or the booked arrival). */
function etaBand(containers, booking) {
  const etas = containers.map((c) => c.eta).filter(Boolean);
  if (containers.length && containers.every((c) => c.status === 'delivered')) return h('span', { class: 'badge delivered' }, 'delivered');
  if (!etas.length) return booking ? `booked arrival ${fmt.date(booking.arrives_at)}` : '–';
  const p50 = etas.map((e) => e.p50).sort()[0];
  const p90 = etas.map((e) => e.p90).sort().at(-1);
  return `${fmt.date(p50)} – ${fmt.date(p90)}`;
}

/**
 * A shipment's containers, or one container: map, live connection and timelines. Returns a function
 * that stops it.
 */
function liveView(detail, { title, shipment, container, onState }) {
  const statePath = shipment ? `/track/shipments/${encodeURIComponent(shipment)}` : `/track/${encodeURIComponent(container)}`;
  const streamPath = shipment ? `/stream/shipments/${encodeURIComponent(shipment)}` : '/stream/org';
  const mapEl = h('div', { class: 'map short', id: 'track-map', role: 'region', 'aria-label': 'Container positions' });
  const live = h('span', { class: 'live', role: 'status' }, 'connecting…');
  const containers = h('div', { class: 'containers-state' }, loading('Loading tracking state…'));
  const notes = h('div', { class: 'documents' });
  fill(detail, h('div', { class: 'page-head' }, h('h2', {}, title), live),
    h('div', { class: 'split' }, mapEl, h('aside', { class: 'side', 'aria-label': 'Containers' }, containers)), notes);
  const map = createMap(mapEl);
  const route = L.layerGroup().addTo(map);
  const trails = L.layerGroup().addTo(map);
  const markers = new Map();
  let centred = false;
  let network = null;
  let refreshTimer = null;

  const ready = Promise.all([api('/network.geojson'), api('/network/services'), api('/bookings?limit=100'),
    container ? api('/shipments?limit=100') : null]).then(([geo, services, bookings, shipments]) => {
    network = { ...linkIndex(geo), services: new Map(services.map((s) => [s.id, s])) };
    // A looked-up container shows its shipment's booked route when the caller has that shipment.
    const shipmentId = shipment || shipments?.items.find((s) => s.containers.some((c) => c.number === container))?.id;
    const booking = shipmentId && bookings.items.find((b) => b.shipment_id === shipmentId);
    if (map.removed) return;
    if (booking) {
      drawBookedRoute(route, booking, network);
      bookingNote(booking).then((note) => note && notes.append(noteCard(note))).catch(() => {});
    }
    const bounds = route.getLayers().length ? L.featureGroup(route.getLayers()).getBounds() : null;
    if (bounds?.isValid()) map.fitBounds(bounds, { padding: [30, 30], animate: false }); else fitTo(map, geo);
  });

  async function refresh(moved = false) {
    try {
      const [answer] = await Promise.all([api(statePath), ready]);
      if (map.removed) return;
      const state = shipment ? answer : { containers: [answer] };
      fill(containers, state.containers.length ? state.containers.map(containerCard) : empty('No containers.'));
      trails.clearLayers();
      for (const c of state.containers) {
        drawTrail(c);
        placeMarker(c, moved);
      }
      if (!route.getLayers().length && !centred && markers.size) {
        centred = true;
        const seen = L.featureGroup([...trails.getLayers(), ...markers.values()]).getBounds();
        map.fitBounds(seen, { padding: [40, 40], maxZoom: 5, animate: false });
      }
      if (shipment) onState(state);
    } catch (err) {
      fill(containers, errorBox(err));
    }
  }

  /** The places a container has actually been, in order: where it went, as a dashed line. */
  function drawTrail(c) {
    const visited = [];
    for (const e of [...(c.events || [])].sort((a, b) => a.time.localeCompare(b.time))) {
      if (e.classifier === 'ACT' && e.locode && network?.places.has(e.locode) && visited.at(-1) !== e.locode) {
        visited.push(e.locode);
      }
    }
    const points = visited.map((code) => network.places.get(code)).map(([lon, lat]) => [lat, lon]);
    if (points.length > 1) trails.addLayer(L.polyline(points, { color: '#f2b705', weight: 5, dashArray: '6 6' }));
  }

  function placeMarker(c, animate) {
    const coords = c.last_event?.locode && network?.places.get(c.last_event.locode);
    if (!coords) return;
    const target = L.latLng(coords[1], coords[0]);
    let marker = markers.get(c.container);
    if (!marker) {
      marker = L.marker(target, { icon: L.divIcon({ className: 'container-marker', iconSize: [16, 16] }),
        title: c.container, keyboard: true, alt: c.container }).addTo(map);
      marker.bindTooltip(c.container, { permanent: true, direction: 'right', offset: [10, 0] });
      markers.set(c.container, marker);
    } else if (!marker.getLatLng().equals(target)) {
      if (animate) glide(marker, target); else marker.setLatLng(target);
    }
    marker.getElement()?.setAttribute('data-locode', c.last_event.locode);
    marker.setTooltipContent(`${c.container}: ${STATUS_TEXT(c.status)} at ${c.last_event.locode}`);
  }

  const stopStream = follow(streamPath, (message) => {
    // The organisation's stream carries every container it may see: only this one's events matter.
    if (container && !JSON.stringify(message.data).includes(container)) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { refresh(true); announce('New tracking event'); }, 200);
  }, { onState: (s) => { live.textContent = s === 'live' ? 'live' : s; live.classList.toggle('on', s === 'live'); } });

  refresh();
  return () => { stopStream(); clearTimeout(refreshTimer); map.remove(); };
}

/** Moves a marker to `target` over a second, so a new position is seen as movement. */
function glide(marker, target) {
  const from = marker.getLatLng();
  const start = performance.now();
  const step = (now) => {
    const t = Math.min(1, (now - start) / 1000);
    marker.setLatLng([from.lat + (target.lat - from.lat) * t, from.lng + (target.lng - from.lng) * t]);
    if (t < 1) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

/** The booked legs over the network: each service's stops between boarding and alighting. */
function drawBookedRoute(layer, booking, network) {
  for (const leg of booking.legs) {
    const stops = network.services.get(leg.service_id)?.stops || [];
    const a = stops.indexOf(leg.origin);
    const b = stops.indexOf(leg.destination);
    const path = a >= 0 && b > a ? stops.slice(a, b + 1) : [leg.origin, leg.destination];
    const points = [];
    for (let i = 0; i + 1 < path.length; i += 1) {
      const coords = network.links.get(`${path[i]}|${path[i + 1]}`)
        || [network.places.get(path[i]), network.places.get(path[i + 1])].filter(Boolean);
      points.push(...coords.map(([lon, lat]) => [lat, lon]));
    }
    layer.addLayer(L.polyline(points, { color: '#0b5cad', weight: 4, opacity: 0.7 })
      .bindTooltip(`${leg.service_id}: ${leg.origin} → ${leg.destination}`));
    for (const code of [leg.origin, leg.destination]) {
      const c = network.places.get(code);
      if (c) layer.addLayer(L.circleMarker([c[1], c[0]], { radius: 4, color: '#17324d', fillColor: '#fff', fillOpacity: 1 }).bindTooltip(code));
    }
  }
}

function containerCard(c) {
  const eta = c.eta ? `${fmt.when(c.eta.p50)} (p50) – ${fmt.when(c.eta.p90)} (p90), from the ${c.eta.basis}` : null;
  return h('article', { class: 'container-state', 'aria-label': `Container ${c.container}` },
    h('h3', {}, c.container, ' ', h('span', { class: `badge ${c.status}` }, STATUS_TEXT(c.status))),
    c.last_event ? h('p', {}, `Last: ${c.last_event.type} at ${c.last_event.locode || '–'}, ${fmt.when(c.last_event.time)}`) : null,
    eta ? h('p', { class: 'eta' }, h('strong', {}, 'ETA '), eta) : null,
    c.progress ? h('p', {}, h('progress', { max: c.progress.places, value: c.progress.places_reached,
      'aria-label': 'Places reached' }), ` ${c.progress.places_reached} of ${c.progress.places} places`) : null,
    c.exceptions?.length ? h('ul', { class: 'exceptions', 'aria-label': 'Exceptions' },
      c.exceptions.map((e) => h('li', { class: 'error' }, `${STATUS_TEXT(e.kind)}: ${e.message}`))) : null,
    h('h4', {}, 'Timeline'),
    c.events?.length ? h('ol', { class: 'timeline' }, [...c.events].reverse().map((e) => h('li', {
      class: c.exceptions?.some((x) => x.locode && x.locode === e.locode) ? 'exception' : '',
    }, h('strong', {}, e.type), ` ${e.classifier === 'ACT' ? '' : `(${e.classifier}) `}at ${e.locode || '–'} · ${fmt.when(e.time)}`)))
      : empty('No events reported yet.'));
}
