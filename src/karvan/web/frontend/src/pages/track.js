// Track: my shipments with status and ETA band; a shipment's containers, or whatever a person tracks by
// (a container number, an SSCC or other EPC, a booking or transport document reference), on a live map
// that moves as events arrive (server-sent events), with a timeline per container, its ETA (and how it
// was re-planned) and its exceptions by severity. Routes: #/track, #/track/<shipment id>,
// #/track/find/<query>.
import { api, follow } from '../api.js';
import { bookingNote, noteCard } from '../documents.js';
import { linkIndex } from '../itinerary.js';
import { createMap, L } from '../map.js';
import { announce, empty, errorBox, field, fill, fmt, h, loading, showFieldErrors, table } from '../ui.js';
import { fitTo } from './network.js';

const STATUS_TEXT = (s) => String(s || '').replace(/_/g, ' ');
const SEVERITY_ORDER = ['critical', 'warning', 'info'];

export default {
  title: 'Track',
  roles: ['shipper', 'forwarder', 'railway', 'port', 'ferry_line'],
  render(main, { me, params, go }) {
    const ships = ['shipper', 'forwarder', 'corridor_admin'].includes(me.role);
    const query = params[0] === 'find' ? params[1] || '' : '';
    const search = querySearch(go, query);
    const list = h('div', { 'aria-live': 'polite' }, loading('Loading shipments…'));
    const detail = h('div', { class: 'track-detail' });
    main.append(h('section', { class: 'page' }, h('h1', {}, 'Track'), search,
      ships ? [h('h2', {}, 'My shipments'), list] : null, detail));
    const listed = ships
      ? loadShipments(list, params[0]).catch((err) => { fill(list, errorBox(err)); return null; })
      : Promise.resolve(null);
    // The list's ETA band of the open shipment follows its live state.
    const onState = (state) => listed.then((rows) => rows?.update(state));
    if (query) return liveView(detail, { query, search, onState });
    if (params[0] && params[0] !== 'find') return liveView(detail, { shipment: params[0], onState });
    fill(detail, empty(ships ? 'Choose a shipment, or find a container, unit or booking, to see it on the map.'
      : 'Find a container, unit or booking to see it on the map.'));
    return null;
  },
};

/** One field for whatever a person tracks by; the server decides what it is (and says what is wrong). */
function querySearch(go, value) {
  const input = h('input', { type: 'search', name: 'query', value, placeholder: 'CSQU3054383', maxlength: 300,
    autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { class: 'row inline-form', role: 'search', 'aria-label': 'Find a container, unit or booking' },
    field('Container, SSCC or booking reference', input,
      'An ISO 6346 container number, an SSCC or other EPC (URN or GS1 Digital Link), or a booking or transport document reference'),
    h('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) { showFieldErrors(form, { query: 'Give a container number, an SSCC or a booking reference.' }); return; }
    go('track', 'find', text);
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
 * A shipment's containers, or what a query found (a container; a unit or a reference with its own events
 * and its containers): map, live connection, timelines. Returns a function that stops it.
 */
function liveView(detail, { shipment, query, search, onState }) {
  const statePath = shipment ? `/track/shipments/${encodeURIComponent(shipment)}` : `/track/${encodeURIComponent(query)}`;
  const streamPath = shipment ? `/stream/shipments/${encodeURIComponent(shipment)}` : '/stream/org';
  const heading = h('h2', {}, shipment ? `Shipment ${shipment}` : query);
  const summary = h('div', { class: 'found' });
  const mapEl = h('div', { class: 'map short', id: 'track-map', role: 'region', 'aria-label': 'Container positions' });
  const live = h('span', { class: 'live', role: 'status' }, 'connecting…');
  const containers = h('div', { class: 'containers-state' }, loading('Loading tracking state…'));
  const notes = h('div', { class: 'documents' });
  fill(detail, h('div', { class: 'page-head' }, heading, live), summary,
    h('div', { class: 'split' }, mapEl, h('aside', { class: 'side', 'aria-label': 'Containers' }, containers)), notes);
  const map = createMap(mapEl);
  const route = L.layerGroup().addTo(map);
  const trails = L.layerGroup().addTo(map);
  const sightings = L.layerGroup().addTo(map);
  const markers = new Map();
  let centred = false;
  let network = null;
  let found = null;
  let refreshTimer = null;

  const basics = Promise.all([api('/network.geojson'), api('/network/services'), api('/bookings?limit=100'),
    shipment ? null : api('/shipments?limit=100')]).then(([geo, services, bookings, shipments]) => {
    network = { ...linkIndex(geo), services: new Map(services.map((s) => [s.id, s])) };
    return { geo, bookings: bookings.items, shipments: shipments?.items || [] };
  });

  /** The booked route and consignment note of the shipment shown, when the caller has that shipment. */
  function showBooking(base) {
    const numbers = found.containers.map((c) => c.container);
    const shipmentId = shipment || found.shipment
      || base.shipments.find((s) => s.containers.some((c) => numbers.includes(c.number)))?.id;
    const booking = shipmentId && base.bookings.find((b) => b.shipment_id === shipmentId);
    if (booking) {
      drawBookedRoute(route, booking, network);
      bookingNote(booking).then((note) => note && notes.append(noteCard(note))).catch(() => {});
    }
    const bounds = route.getLayers().length ? L.featureGroup(route.getLayers()).getBounds() : null;
    if (bounds?.isValid()) map.fitBounds(bounds, { padding: [30, 30], animate: false }); else fitTo(map, base.geo);
  }

  async function refresh(moved = false) {
    try {
      const [answer, base] = await Promise.all([api(statePath), basics]);
      if (map.removed) return;
      const first = found === null;
      found = shipment ? { kind: 'shipment', title: `Shipment ${shipment}`, containers: answer.containers, events: [] }
        : foundView(answer);
      heading.textContent = found.title;
      fill(summary, foundSummary(found));
      fill(containers, found.containers.length ? found.containers.map(containerCard) : empty('No containers.'));
      if (first) showBooking(base);
      trails.clearLayers();
      sightings.clearLayers();
      for (const c of found.containers) {
        drawTrail(c);
        placeMarker(c, moved);
      }
      drawSightings([...found.events, ...found.containers.flatMap((c) => c.events || [])]);
      if (!route.getLayers().length && !centred && (markers.size || sightings.getLayers().length)) {
        centred = true;
        const seen = L.featureGroup([...trails.getLayers(), ...sightings.getLayers(), ...markers.values()]).getBounds();
        map.fitBounds(seen, { padding: [40, 40], maxZoom: 5, animate: false });
      }
      if (shipment) onState(answer);
    } catch (err) {
      if (search && err.fields?.query) showFieldErrors(search, { query: err.fields.query });
      // A query the API refuses or does not know: nothing to map or follow, only what is wrong.
      if (found === null && err.status >= 400 && err.status < 500) {
        stop();
        fill(detail, errorBox(err));
      } else {
        fill(containers, errorBox(err));
      }
    }
  }

  /** The places and reported positions a container has actually been, in order, as a dashed line. */
  function drawTrail(c) {
    const visited = [];
    for (const e of byTime(c.events || [])) {
      const at = e.classifier === 'ACT' && position(e);
      if (at && !(visited.length && visited.at(-1).equals(at))) visited.push(at);
    }
    if (visited.length > 1) trails.addLayer(L.polyline(visited, { color: '#f2b705', weight: 5, dashArray: '6 6' }));
  }

  /** Events reported with coordinates (IoT devices, EPCIS geo read points): a dot each, as reported. */
  function drawSightings(events) {
    const seen = new Set();
    for (const e of events) {
      if (e.latitude === undefined || e.longitude === undefined || seen.has(e.event_id)) continue;
      seen.add(e.event_id);
      sightings.addLayer(L.circleMarker([e.latitude, e.longitude], { radius: 6, color: '#17324d', weight: 2,
        fillColor: '#f2b705', fillOpacity: 0.9, className: 'sighting' })
        .bindTooltip(`${e.type}${e.container ? ` ${e.container}` : ''}: ${where(e)}, ${fmt.when(e.time)}`));
    }
  }

  /** A place on the network map by UN/LOCODE, or the coordinates reported with the event; never a guess. */
  function position(e) {
    const coords = e?.locode && network?.places.get(e.locode);
    if (coords) return L.latLng(coords[1], coords[0]);
    return e?.latitude !== undefined && e?.longitude !== undefined ? L.latLng(e.latitude, e.longitude) : null;
  }

  function placeMarker(c, animate) {
    const target = position(c.last_event);
    if (!target) return;
    let marker = markers.get(c.container);
    if (!marker) {
      marker = L.marker(target, { icon: L.divIcon({ className: 'container-marker', iconSize: [16, 16] }),
        title: c.container, keyboard: true, alt: c.container }).addTo(map);
      marker.bindTooltip(c.container, { permanent: true, direction: 'right', offset: [10, 0] });
      markers.set(c.container, marker);
    } else if (!marker.getLatLng().equals(target)) {
      if (animate) glide(marker, target); else marker.setLatLng(target);
    }
    const element = marker.getElement();
    if (c.last_event.locode) element?.setAttribute('data-locode', c.last_event.locode);
    else element?.removeAttribute('data-locode');
    marker.setTooltipContent(`${c.container}: ${STATUS_TEXT(c.status)} at ${where(c.last_event)}`);
  }

  /** The organisation's stream carries every container it may see: only what is shown matters. */
  function concerns(message) {
    const text = JSON.stringify(message.data);
    const names = [query, found?.unit, ...(found?.containers || []).map((c) => c.container)].filter(Boolean);
    return names.some((name) => text.includes(name));
  }

  const stopStream = follow(streamPath, (message) => {
    if (!shipment && !concerns(message)) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { refresh(true); announce('New tracking event'); }, 200);
  }, { onState: (s) => { live.textContent = s === 'live' ? 'live' : s; live.classList.toggle('on', s === 'live'); } });

  let stopped = false;
  function stop() {
    if (stopped) return;
    stopped = true;
    stopStream();
    clearTimeout(refreshTimer);
    map.remove();
  }

  refresh();
  return stop;
}

/** What `GET /track/{query}` found, in one shape: a title, containers (states) and events of its own. */
function foundView(answer) {
  if (answer.kind === 'container') return { kind: 'container', title: `Container ${answer.container}`, containers: [answer], events: [] };
  const title = answer.kind === 'unit' ? `Unit ${answer.unit}` : `Reference ${answer.query}`;
  return { ...answer, title };
}

/** For a unit or a reference: where it is or what it belongs to, and the events that name it. */
function foundSummary(found) {
  if (found.kind !== 'unit' && found.kind !== 'reference') return null;
  const what = found.kind === 'unit' ? 'unit' : 'reference';
  let context;
  if (found.kind === 'unit') {
    context = found.in_container ? ['In container ', h('strong', {}, found.in_container), '.'] : 'In no container now.';
  } else {
    context = found.shipment
      ? ['Karvan shipment ', h('a', { href: `#/track/${encodeURIComponent(found.shipment)}` }, found.shipment), '.']
      : 'Linked to no Karvan shipment you have.';
  }
  return h('section', { class: 'card found-summary', 'aria-label': `Events of the ${what}` },
    h('p', {}, context, ` Containers: ${found.containers.length}.`),
    h('h3', {}, `Events of the ${what}`),
    found.events.length ? timeline(found.events, { withContainer: true }) : empty(`No events name the ${what} itself.`));
}

/** Where an event happened as reported: its UN/LOCODE, else its coordinates, else its facility. */
function where(e) {
  if (!e) return '–';
  if (e.locode) return e.locode;
  if (e.latitude !== undefined && e.longitude !== undefined) return `${e.latitude}, ${e.longitude} (reported position)`;
  return e.facility || 'no place reported';
}

function byTime(events) {
  return [...events].sort((a, b) => new Date(a.time) - new Date(b.time));
}

/** Newest first; an EPCIS business step kept as reported; events at an exception's place marked. */
function timeline(events, { withContainer = false, exceptions = [] } = {}) {
  return h('ol', { class: 'timeline' }, byTime(events).reverse().map((e) => h('li', {
    class: exceptions.some((x) => x.locode && x.locode === e.locode) ? 'exception' : '',
  }, h('strong', {}, e.type),
  e.biz_step ? ` (business step: ${e.biz_step})` : '',
  ` ${e.classifier === 'ACT' ? '' : `(${e.classifier}) `}at ${where(e)}`,
  withContainer && e.container ? `, container ${e.container}` : '',
  ` · ${fmt.when(e.time)}`)));
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
  return h('article', { class: 'container-state', 'aria-label': `Container ${c.container}` },
    h('h3', {}, c.container, ' ', h('span', { class: `badge ${c.status}` }, STATUS_TEXT(c.status))),
    c.last_event ? h('p', {}, `Last: ${c.last_event.type} at ${where(c.last_event)}, ${fmt.when(c.last_event.time)}`) : null,
    etaBlock(c.eta),
    c.progress ? h('p', {}, h('progress', { max: c.progress.places, value: c.progress.places_reached,
      'aria-label': 'Places reached' }), ` ${c.progress.places_reached} of ${c.progress.places} places`) : null,
    c.exceptions?.length ? h('ul', { class: 'exceptions', 'aria-label': 'Exceptions' },
      [...c.exceptions].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
        .map((e) => h('li', { class: e.severity, dataset: { severity: e.severity } },
          h('span', { class: `badge ${e.severity}` }, e.severity), ' ', h('strong', {}, STATUS_TEXT(e.kind)), `: ${e.message}`)))
      : null,
    h('h4', {}, 'Timeline'),
    c.events?.length ? timeline(c.events, { exceptions: c.exceptions || [] }) : empty('No events reported yet.'));
}

/** The band, and when a missed connection re-planned the journey: how, and the booked and new ETA. */
function etaBlock(eta) {
  if (!eta) return null;
  let booked = null;
  if (eta.booked && eta.replan) booked = `ETA was ${fmt.when(eta.booked)} (booked), now ${fmt.when(eta.p50)} (p50)`;
  else if (eta.booked) booked = `Booked arrival ${fmt.when(eta.booked)}`;
  return h('div', { class: 'eta' },
    h('p', {}, h('strong', {}, 'ETA '), `${fmt.when(eta.p50)} (p50) – ${fmt.when(eta.p90)} (p90), from the ${eta.basis}`),
    eta.replan ? h('p', { class: 'replan' }, h('strong', {}, 'Re-planned: '), eta.replan) : null,
    booked ? h('p', { class: 'booked' }, booked) : null);
}
