// Sign-in with an API key: the key is checked against GET /me and kept for the browser session.
import { api, session } from '../api.js';
import { field, h, showFieldErrors } from '../ui.js';

export default {
  title: 'Sign in',
  roles: [],
  render(main, { onSignedIn }) {
    const key = h('input', { name: 'api_key', type: 'password', autocomplete: 'current-password', required: true,
      spellcheck: 'false' });
    const remember = h('input', { name: 'remember', type: 'checkbox', id: 'remember' });
    const submit = h('button', { type: 'submit' }, 'Sign in');
    const form = h('form', { class: 'card signin', novalidate: true },
      h('h1', {}, 'Sign in to Karvan'),
      h('p', {}, 'Use the API key your organisation was given (an administrator issues one with ', h('code', {}, 'karvan admin create-key ORG --scope write'), ').'),
      field('API key', key),
      h('div', { class: 'check' }, remember, h('label', { for: 'remember' }, 'Remember on this device')),
      submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!key.value.trim()) { showFieldErrors(form, { api_key: 'Enter your API key.' }); return; }
      submit.disabled = true;
      submit.textContent = 'Checking…';
      session.save(key.value.trim(), remember.checked);
      try {
        onSignedIn(await api('/orgs/me'));
      } catch (err) {
        session.clear();
        showFieldErrors(form, { api_key: err.status === 401 ? 'This key is not valid.' : err.message });
      } finally {
        submit.disabled = false;
        submit.textContent = 'Sign in';
      }
    });
    main.append(h('section', { class: 'page narrow' }, form));
    key.focus();
  },
};
