// Placeholder until the book page lands.
import { h } from '../ui.js';

export default {
  title: 'Book',
  roles: ['shipper', 'forwarder', 'operator', 'analyst'],
  render(main) { main.append(h('section', { class: 'page' }, h('h1', {}, 'Book'))); },
};
