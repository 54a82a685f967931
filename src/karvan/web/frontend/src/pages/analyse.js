// Placeholder until the analyse page lands.
import { h } from '../ui.js';

export default {
  title: 'Analyse',
  roles: ['shipper', 'forwarder', 'railway', 'port', 'ferry_line'],
  render(main) { main.append(h('section', { class: 'page' }, h('h1', {}, 'Analyse'))); },
};
