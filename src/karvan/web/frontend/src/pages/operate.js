// Placeholder until the operate page lands.
import { h } from '../ui.js';

export default {
  title: 'Operate',
  roles: ['railway', 'port', 'ferry_line'],
  render(main) { main.append(h('section', { class: 'page' }, h('h1', {}, 'Operate'))); },
};
