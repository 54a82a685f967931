// Placeholder until the plan page lands.
import { h } from '../ui.js';

export default {
  title: 'Plan',
  roles: ['shipper', 'forwarder', 'operator', 'analyst'],
  render(main) { main.append(h('section', { class: 'page' }, h('h1', {}, 'Plan'))); },
};
