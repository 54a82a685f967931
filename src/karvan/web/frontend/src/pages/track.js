// Placeholder until the track page lands.
import { h } from '../ui.js';

export default {
  title: 'Track',
  roles: ['shipper', 'forwarder'],
  render(main) { main.append(h('section', { class: 'page' }, h('h1', {}, 'Track'))); },
};
