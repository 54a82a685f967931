// Talking to the Karvan API: the API key, JSON requests, RFC 9457 problems and server-sent event streams.

const KEY_STORAGE = 'karvan.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(KEY_STORAGE) || localStorage.getItem(KEY_STORAGE) || ''; },
  save(key, remember) {
    this.clear();
    (remember ? localStorage : sessionStorage).setItem(KEY_STORAGE, key);
  },
  clear() {
    sessionStorage.removeItem(KEY_STORAGE);
    localStorage.removeItem(KEY_STORAGE);
  },
};

/** An API answer that is not 2xx; `fields` maps a field name to its message (for inline validation). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.status = status;
    this.problem = problem;
    this.fields = problemFields(problem);
  }
}

/** Field messages from a problem body: `field`, an `errors` list, or FastAPI's validation `detail` list. */
function problemFields(problem) {
  const fields = {};
  const add = (loc, msg) => {
    const path = Array.isArray(loc) ? loc.filter((p) => !['body', 'query', 'path'].includes(p)).join('.') : loc;
    if (path && msg && !(path in fields)) fields[path] = String(msg).replace(/^Value error, /, '');
  };
  // Per-field messages first (they say only what is wrong with the field), then the problem's own field.
  for (const e of problem.errors || []) add(e.field ?? e.loc, e.detail ?? e.msg ?? e.message);
  if (Array.isArray(problem.detail)) {
    for (const e of problem.detail) add(e.loc, e.msg);
  }
  if (problem.field) add(problem.field, [problem.detail, problem.fix && `(${problem.fix})`].filter(Boolean).join(' ') || problem.title);
  return fields;
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  if (session.key) h.Authorization = `Bearer ${session.key}`;
  return h;
}

/** JSON request to the API; throws ApiError with the problem body on 4xx/5xx. */
export async function api(path, { method = 'GET', body, signal, form } = {}) {
  const init = { method, signal, headers: headers() };
  if (form) {
    init.body = form;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, { title: 'The server cannot be reached', detail: 'Check that karvan serve is running.' });
  }
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const problem = typeof data === 'object' && data !== null ? data : { title: String(data || response.statusText) };
    if (typeof problem.detail === 'string' || Array.isArray(problem.detail) || problem.title) {
      throw new ApiError(response.status, problem);
    }
    throw new ApiError(response.status, { title: response.statusText });
  }
  return data;
}

/**
 * Follows a server-sent event stream with the API key (EventSource cannot send headers, so this reads the
 * stream with fetch). Calls onEvent({event, data, id}) per message and reconnects after a drop, sending
 * Last-Event-ID. Returns a function that stops it.
 */
export function follow(path, onEvent, { onState = () => {}, retryMs = 2000 } = {}) {
  const controller = new AbortController();
  let lastId = '';
  let stopped = false;

  async function run() {
    while (!stopped) {
      try {
        onState('connecting');
        const extra = { Accept: 'text/event-stream' };
        if (lastId) extra['Last-Event-ID'] = lastId;
        const response = await fetch(path, { headers: headers(extra), signal: controller.signal });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = parseMessage(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (message.id) lastId = message.id;
            if (message.data !== null) onEvent(message);
          }
        }
      } catch (err) {
        if (stopped) return;
      }
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
  run();
  return () => { stopped = true; controller.abort(); onState('closed'); };
}

function parseMessage(block) {
  const message = { event: 'message', data: null, id: '' };
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') data.push(value);
    else if (name === 'event') message.event = value;
    else if (name === 'id') message.id = value;
  }
  if (data.length) {
    const text = data.join('\n');
    try { message.data = JSON.parse(text); } catch { message.data = text; }
  }
  return message;
}
