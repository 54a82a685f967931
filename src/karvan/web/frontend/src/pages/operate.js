// Placeholder until the operate page lands.
import { h } from '../ui.js';

export default {
  title: 'Operate',
  roles: ['shipper', 'forwarder', 'operator', 'analyst'],
  render(main) { main.append(h('section', { class: 'page' }, h('h1', {}, 'Operate'))); },
};
