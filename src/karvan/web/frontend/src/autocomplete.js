// Place autocomplete (ARIA combobox): type a name or UN/LOCODE, pick with arrows + Enter or the mouse.
import { api } from './api.js';
import { h } from './ui.js';

/**
 * A text input named `name` whose suggestions come from GET /network/places?q=. The chosen code is in
 * `input.dataset.code` (and the visible text is "Name (CODE)"); typing clears it, so a typed code or name
 * is sent as typed and the server resolves or rejects it.
 */
export function placeInput(name, { placeholder = 'Name or UN/LOCODE', value = null } = {}) {
  const listId = `${name}-options`;
  const input = h('input', {
    type: 'text', name, id: `f-${name}`, role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, placeholder,
  });
  const list = h('ul', { class: 'suggestions', id: listId, role: 'listbox', hidden: true });
  const wrap = h('div', { class: 'autocomplete' }, input, list);
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const choose = (place) => {
    input.value = `${place.name} (${place.code})`;
    input.dataset.code = place.code;
    close();
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) input.setAttribute('aria-activedescendant', list.children[index].id);
  };
  const show = (places) => {
    options = places;
    list.replaceChildren(...places.map((p, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', dataset: { code: p.code },
      onmousedown: (e) => { e.preventDefault(); choose(p); },
    }, `${p.name} `, h('span', { class: 'code' }, `${p.code} · ${p.country}`))));
    list.hidden = places.length === 0;
    input.setAttribute('aria-expanded', String(places.length > 0));
    active = -1;
  };

  input.addEventListener('input', () => {
    delete input.dataset.code;
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const places = await api(`/network/places?q=${encodeURIComponent(q)}&limit=8`, { signal: controller.signal });
        if (document.activeElement === input) show(places);
      } catch (err) {
        if (err.name !== 'AbortError') close();
      }
    }, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight(Math.min(active + 1, options.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(options[active]); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    controller?.abort();
    setTimeout(close, 100);
  });
  if (value) choose(value);
  return { input, wrap, code: () => input.dataset.code || input.value.trim() };
}
