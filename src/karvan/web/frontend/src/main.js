// The single page shell: sign-in, navigation by role and hash routing (#/plan, #/track/MSKU1234565 ...).
import './style.css';
import { api, session } from './api.js';
import { announce, errorBox, fill, h, loading } from './ui.js';
import signin from './pages/signin.js';
import network from './pages/network.js';
import plan from './pages/plan.js';
import book from './pages/book.js';
import track from './pages/track.js';
import operate from './pages/operate.js';
import analyse from './pages/analyse.js';

/** Pages in menu order; `roles` lists the organisation kinds that see them (corridor_admin sees all). */
const PAGES = { network, plan, book, track, operate, analyse };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let me = null;
let cleanup = null;

function allowed(page) {
  return me && (me.role === 'corridor_admin' || page.roles.includes(me.role));
}

function renderNav(current) {
  fill(nav, h('ul', {}, Object.entries(PAGES).filter(([, p]) => allowed(p)).map(([name, p]) =>
    h('li', {}, h('a', { href: `#/${name}`, 'aria-current': name === current ? 'page' : null }, p.title)))));
  fill(who, me
    ? [h('span', { class: 'org' }, `${me.name} · ${me.role.replace('_', ' ')}`),
      h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out')]
    : []);
}

function signOut() {
  session.clear();
  me = null;
  location.hash = '#/signin';
  route();
}

/** Who the API key belongs to; null when there is no valid key. */
async function loadMe() {
  if (!session.key) return null;
  try {
    return normaliseMe(await api('/orgs/me'));
  } catch (err) {
    if (err.status === 401 || err.status === 403) session.clear();
    else throw err;
    return null;
  }
}

/** The caller's organisation (GET /orgs/me); its kind is the role that decides the pages shown. */
function normaliseMe(org) {
  return { ...org, role: org.kind };
}

const HOME = { shipper: 'plan', forwarder: 'plan', railway: 'operate', port: 'operate', ferry_line: 'operate',
  corridor_admin: 'analyse' };

function defaultPage() {
  return HOME[me?.role] || 'network';
}

async function route() {
  const [, name = '', ...rest] = location.hash.split('/');
  if (cleanup) { cleanup(); cleanup = null; }
  if (!me && session.key) {
    fill(main, loading('Signing in…'));
    try { me = await loadMe(); } catch (err) { fill(main, errorBox(err)); return; }
  }
  if (!me) {
    renderNav('signin');
    document.title = 'Sign in · Karvan';
    cleanup = signin.render(main, { onSignedIn: async (data) => { me = normaliseMe(data); go(defaultPage()); } });
    return;
  }
  const page = PAGES[name];
  if (!page) { go(defaultPage()); return; }
  renderNav(name);
  document.title = `${page.title} · Karvan`;
  if (!allowed(page)) {
    fill(main, h('section', { class: 'page' }, h('h1', {}, page.title),
      h('p', { class: 'error', role: 'alert' }, `Your organisation's role (${me.role}) cannot use this page.`)));
    return;
  }
  main.replaceChildren();
  cleanup = page.render(main, { me, params: rest.map(decodeURIComponent), go }) || null;
  announce(`${page.title} page`);
  main.focus({ preventScroll: true });
}

export function go(name, ...params) {
  const hash = ['#', name, ...params.map(encodeURIComponent)].join('/');
  if (location.hash === hash) route(); else location.hash = hash;
}

document.querySelector('.menu-toggle').addEventListener('click', (e) => {
  const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
  e.currentTarget.setAttribute('aria-expanded', String(open));
  nav.classList.toggle('open', open);
});
nav.addEventListener('click', () => {
  nav.classList.remove('open');
  document.querySelector('.menu-toggle').setAttribute('aria-expanded', 'false');
});
window.addEventListener('hashchange', route);
route();
