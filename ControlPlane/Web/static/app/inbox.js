// The inbox: views (mine, unassigned, my teams, all) with counts, filters (a custom field's value among them),
// keyset pages, and live updates.
import { api, boot, can, el, timeLabel, channelBadge, debounce, announce } from './api.js';

const views = [
  { key: 'mine', label: 'Mine' },
  { key: 'unassigned', label: 'Unassigned' },
  { key: 'teams', label: 'My teams' },
  { key: 'all', label: 'All' },
];

export class Inbox {
  constructor(pane, { onOpen }) {
    this.pane = pane;
    this.onOpen = onOpen;
    // Agents who see only their own tickets start with them; everyone else with all.
    this.view = sessionStorage.getItem('glavito.view') || (boot.scope === 'own' ? 'mine' : 'all');
    this.filters = { status: 'open', channel: '', priority: '', team: '', tag: '', q: '', assignee: '' };
    this.tickets = new Map();
    this.contacts = {};
    this.next = null;
    this.selected = null;
    this.checked = new Set();
    this.refreshCounts = debounce(() => this.loadCounts(), 250);
    this.render();
  }

  // The list request, or null when the view and filters cannot match anything (a team filter outside my teams).
  query(after) {
    const params = new URLSearchParams({ limit: '50' });
    if (this.view === 'mine') params.set('assignee', 'me');
    if (this.view === 'unassigned') params.set('assignee', 'none');
    // "My teams" is every team of the agent (`team` repeated); a team filter narrows it to one of them.
    let teams = this.view === 'teams' ? boot.teams : [];
    if (this.filters.team) teams = this.view === 'teams' ? teams.filter((key) => key === this.filters.team) : [this.filters.team];
    if (this.view === 'teams' && !teams.length) return null;
    for (const key of teams) params.append('team', key);
    for (const [name, value] of Object.entries(this.filters)) if (value && name !== 'team') params.set(name, value);
    if (after) params.set('after', after);
    return `/api/v1/tickets?${params}`;
  }

  async load() {
    this.list.setAttribute('aria-busy', 'true');
    // Loads can overlap (a filter change, a bulk action, live events): only the latest one may draw the list.
    const sequence = (this.loadSequence = (this.loadSequence || 0) + 1);
    try {
      const path = this.query();
      const page = path ? await api('GET', path) : { tickets: [], contacts: {}, next: null };
      if (sequence !== this.loadSequence) return;
      this.tickets = new Map(page.tickets.map((ticket) => [ticket.id, ticket]));
      this.contacts = { ...this.contacts, ...page.contacts };
      this.next = page.next;
      this.renderList();
    } catch (error) {
      announce(error.message, true);
    } finally {
      this.list.removeAttribute('aria-busy');
    }
    this.loadCounts();
  }

  async more() {
    const path = this.next && this.query(this.next);
    if (!path) return;
    const page = await api('GET', path);
    for (const ticket of page.tickets) this.tickets.set(ticket.id, ticket);
    this.contacts = { ...this.contacts, ...page.contacts };
    this.next = page.next;
    this.renderList();
  }

  async loadCounts() {
    try {
      const counts = await api('GET', '/api/v1/workspace/counts');
      for (const view of views) {
        const badge = this.pane.querySelector(`[data-count="${view.key}"]`);
        if (badge) badge.textContent = counts[view.key];
      }
    } catch { /* counts are a nicety; the list still works */ }
  }

  // Whether `ticket` belongs in the current view and filters (the server applied the same rules to the page).
  matches(ticket) {
    const f = this.filters;
    if (f.status && ticket.status !== f.status) return false;
    if (f.channel && ticket.last_channel !== f.channel) return false;
    if (f.priority && ticket.priority !== f.priority) return false;
    if (f.team && ticket.team !== f.team) return false;
    if (f.tag && !ticket.tags.includes(f.tag.toLowerCase())) return false;
    if (f.assignee && ticket.assignee_id !== f.assignee) return false;
    if (f.q && !f.q.toLowerCase().split(/\s+/).every((word) => ticket.subject.toLowerCase().includes(word))) return false;
    if (this.view === 'mine') return ticket.assignee_id === boot.user.id;
    if (this.view === 'unassigned') return !ticket.assignee_id;
    for (const [name, value] of Object.entries(f)) {
      if (value && name.startsWith('field.') && String(ticket.custom_fields?.[name.slice(6)] ?? '') !== value) return false;
    }
    if (this.view === 'teams') return boot.teams.includes(ticket.team);
    return true;
  }

  // A live event of a ticket stream: fetch the ticket as it is now and place it (or drop it from this view).
  async onEvent(event) {
    const id = event.data?.ticket_id || event.stream.slice('ticket/'.length);
    if (!event.type.startsWith('ticket.') && !event.type.startsWith('message.')) return;
    this.refreshCounts();
    try {
      const detail = await api('GET', `/api/v1/tickets/${id}`);
      // An answer that overtook a newer one (or a list load) must not put an older state back.
      const known = this.tickets.get(id);
      if (known && new Date(known.updated_at) > new Date(detail.ticket.updated_at)) return;
      if (detail.contact?.display_name) this.contacts[detail.contact.id] = detail.contact.display_name;
      if (this.matches(detail.ticket)) this.tickets.set(id, detail.ticket);
      else this.tickets.delete(id);
      if (event.type === 'message.received' && id !== this.selected) this.unread.add(id);
      this.renderList();
    } catch (error) {
      if (error.status === 404) { this.tickets.delete(id); this.renderList(); }
    }
  }

  select(id) {
    this.selected = id;
    this.unread?.delete(id);
    for (const item of this.list.querySelectorAll('li')) {
      const current = item.dataset.id === id;
      item.classList.toggle('selected', current);
      const link = item.querySelector('a');
      if (current) link?.setAttribute('aria-current', 'page'); else link?.removeAttribute('aria-current');
    }
  }

  // The ticket `step` places after (1) or before (-1) the selected one.
  neighbour(step) {
    const ids = [...this.list.querySelectorAll('li[data-id]')].map((item) => item.dataset.id);
    const index = ids.indexOf(this.selected);
    return ids[Math.max(0, Math.min(ids.length - 1, index + step))];
  }

  render() {
    this.unread = new Set();
    const tabs = el('div', { class: 'views', role: 'tablist', 'aria-label': 'Views' }, views.map((view) => el('button', {
      type: 'button', role: 'tab', id: `view-${view.key}`, 'aria-selected': String(view.key === this.view),
      onclick: () => { this.view = view.key; sessionStorage.setItem('glavito.view', view.key); this.render(); this.load(); },
    }, view.label, ' ', el('span', { class: 'count', 'data-count': view.key }, ''))));
    const change = (name) => (event) => { this.filters[name] = event.target.value.trim(); this.load(); };
    const select = (name, label, options) => el('label', { class: 'filter' }, el('span', { class: 'visually-hidden' }, label),
      el('select', { id: `filter-${name}`, onchange: change(name), 'aria-label': label },
        options.map(([value, text]) => el('option', { value, selected: this.filters[name] === value }, text))));
    const search = el('input', { id: 'search', type: 'search', placeholder: 'Search subjects ( / )', 'aria-label': 'Search tickets',
      value: this.filters.q, oninput: debounce(change('q'), 300) });
    const tag = el('input', { id: 'filter-tag', type: 'text', placeholder: 'Tag', 'aria-label': 'Filter by tag', value: this.filters.tag,
      onchange: change('tag'), size: 8 });
    this.assigneeSelect = select('assignee', 'Assignee', [['', 'Anyone']]);
    this.teamSelect = select('team', 'Team', [['', 'Any team']]);
    this.fieldFilter = el('span', { class: 'field-filter' });
    const filters = el('div', { class: 'filters' }, search,
      select('status', 'Status', [['', 'Any status'], ['open', 'Open'], ['pending', 'Pending'], ['snoozed', 'Snoozed'], ['resolved', 'Resolved'], ['closed', 'Closed']]),
      select('channel', 'Channel', [['', 'All channels'], ['whatsapp', 'WhatsApp'], ['instagram', 'Instagram'], ['webchat', 'Web chat'], ['email', 'Email']]),
      select('priority', 'Priority', [['', 'Any priority'], ['urgent', 'Urgent'], ['high', 'High'], ['normal', 'Normal'], ['low', 'Low']]),
      this.assigneeSelect, this.teamSelect, tag, this.fieldFilter);
    this.list = el('ul', { id: 'ticket-list', class: 'ticket-list', 'aria-label': 'Tickets' });
    this.moreButton = el('button', { type: 'button', class: 'more', id: 'load-more', hidden: true, onclick: () => this.more() }, 'Load more');
    this.bulk = el('div', { class: 'bulk', id: 'bulk', role: 'region', 'aria-label': 'Bulk actions', hidden: true });
    this.saved = el('div', { class: 'saved-filters', id: 'saved-filters', role: 'group', 'aria-label': 'Saved filters' });
    this.pane.replaceChildren(tabs, this.saved, filters, this.bulk, this.list, this.moreButton);
    this.fillAgentOptions();
    this.renderSaved();
    if (!boot.teams.length) this.pane.querySelector('#view-teams').disabled = true;
  }

  setAgents(agents, teams = [], fields = []) {
    this.agents = agents;
    this.teams = teams;
    this.fields = fields;
    this.fillAgentOptions();
  }

  // The assignee, team and custom-field choices (the filter row is drawn again on every view change).
  fillAgentOptions() {
    const agents = this.agents || [];
    const select = this.assigneeSelect.querySelector('select');
    for (const agent of agents) select.append(el('option', { value: agent.id, selected: this.filters.assignee === agent.id }, agent.name));
    const teams = this.teamSelect.querySelector('select');
    for (const team of this.teams || []) teams.append(el('option', { value: team.key, selected: this.filters.team === team.key }, team.name));
    this.renderFieldFilter();
  }

  // A custom field and the value it must have (`field.<key>=<value>` in the list request; kept by saved filters).
  renderFieldFilter() {
    const fields = this.fields || [];
    if (!fields.length) { this.fieldFilter.replaceChildren(); return; }
    const active = Object.keys(this.filters).find((name) => name.startsWith('field.') && this.filters[name]);
    const current = fields.find((field) => `field.${field.key}` === active);
    const clear = () => { for (const name of Object.keys(this.filters)) if (name.startsWith('field.')) delete this.filters[name]; };
    const choose = el('select', { id: 'filter-field', 'aria-label': 'Custom field', onchange: (event) => {
      const had = Boolean(active);
      clear();
      this.pendingField = event.target.value;
      this.renderFieldFilter();
      if (had) this.load();
    } }, el('option', { value: '' }, 'Any field'),
    fields.map((field) => el('option', { value: field.key, selected: (current?.key || this.pendingField) === field.key }, field.label)));
    const key = current?.key || this.pendingField;
    const field = fields.find((candidate) => candidate.key === key);
    let value = null;
    if (field) {
      const set = (event) => { clear(); if (event.target.value.trim()) this.filters[`field.${field.key}`] = event.target.value.trim(); this.load(); };
      const currentValue = this.filters[`field.${field.key}`] || '';
      const options = field.type === 'select' ? field.options : field.type === 'boolean' ? ['true', 'false'] : null;
      value = options
        ? el('select', { id: 'filter-field-value', 'aria-label': `${field.label} is`, onchange: set }, el('option', { value: '' }, 'Any value'),
          options.map((option) => el('option', { value: option, selected: option === currentValue }, option)))
        : el('input', { id: 'filter-field-value', type: field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text',
          'aria-label': `${field.label} is`, placeholder: field.label, value: currentValue, size: 10, onchange: set });
    }
    this.fieldFilter.replaceChildren(choose, value || '');
  }

  // Saved filters: the agent's own, as buttons that bring back a view with its filters; "Save view" names the current one.
  async renderSaved() {
    let saved = [];
    try { saved = (await api('GET', '/api/v1/saved-filters')).saved_filters; } catch { /* API keys and errors: no saved filters */ }
    const apply = (filter) => {
      this.view = filter.view;
      this.filters = { status: '', channel: '', priority: '', team: '', tag: '', q: '', assignee: '', ...filter.filters };
      this.pendingField = null;
      this.render();
      this.load();
    };
    const chips = saved.map((filter) => el('span', { class: 'saved-filter' },
      el('button', { type: 'button', class: 'apply', onclick: () => apply(filter) }, filter.name),
      el('button', { type: 'button', class: 'remove', 'aria-label': `Delete the saved filter ${filter.name}`, onclick: async () => {
        try { await api('DELETE', `/api/v1/saved-filters/${filter.id}`); this.renderSaved(); } catch (error) { announce(error.message, true); }
      } }, '×')));
    const name = el('input', { type: 'text', id: 'saved-filter-name', placeholder: 'Name this view', 'aria-label': 'Name for the saved filter', maxlength: 60 });
    const save = el('button', { type: 'button', id: 'save-filter', onclick: async () => {
      if (!name.value.trim()) { name.focus(); return; }
      const filters = Object.fromEntries(Object.entries(this.filters).filter(([, value]) => value));
      try {
        await api('POST', '/api/v1/saved-filters', { name: name.value.trim(), view: this.view, filters });
        announce(`Saved "${name.value.trim()}"`);
        this.renderSaved();
      } catch (error) { announce(error.message, true); }
    } }, 'Save view');
    this.saved.replaceChildren(...chips, el('span', { class: 'save-filter' }, name, save));
  }

  renderList() {
    const tickets = [...this.tickets.values()].sort((a, b) => (b.updated_at.localeCompare(a.updated_at)) || b.id.localeCompare(a.id));
    this.list.replaceChildren(...tickets.map((ticket) => {
      const name = this.contacts[ticket.contact_id] || 'Customer';
      const link = el('a', { href: `/app/tickets/${ticket.id}`, onclick: (event) => { event.preventDefault(); this.onOpen(ticket.id); } },
        el('span', { class: 'row1' }, channelBadge(ticket.last_channel), el('strong', { class: 'who' }, name),
          el('time', { datetime: ticket.last_message_at }, timeLabel(ticket.last_message_at))),
        el('span', { class: 'subject' }, ticket.subject || '(no subject)'),
        el('span', { class: 'row3' }, el('span', { class: `status st-${ticket.status}` }, ticket.status),
          ticket.priority !== 'normal' ? el('span', { class: `prio pr-${ticket.priority}` }, ticket.priority) : null,
          ticket.tags.map((t) => el('span', { class: 'tag' }, t)),
          this.unread.has(ticket.id) ? el('span', { class: 'dot', 'aria-label': 'new message' }) : null));
      const box = el('input', { type: 'checkbox', class: 'pick', 'aria-label': `Select ${name}`, checked: this.checked.has(ticket.id),
        onchange: (event) => { if (event.target.checked) this.checked.add(ticket.id); else this.checked.delete(ticket.id); this.renderBulk(); } });
      return el('li', { 'data-id': ticket.id, class: ticket.id === this.selected ? 'selected' : '' }, box, link);
    }));
    if (!tickets.length) this.list.append(el('li', { class: 'empty' }, 'No tickets here.'));
    this.moreButton.hidden = !this.next;
    for (const id of this.checked) if (!this.tickets.has(id)) this.checked.delete(id);
    this.renderBulk();
  }

  // Bulk actions on the checked tickets: close, assign to me, add a tag (one PATCH each; failures are counted).
  renderBulk() {
    const count = this.checked.size;
    this.bulk.hidden = count === 0;
    if (!count) return;
    const apply = async (label, changes) => {
      const ids = [...this.checked];
      const results = await Promise.allSettled(ids.map((id) => api('PATCH', `/api/v1/tickets/${id}`, typeof changes === 'function' ? changes(this.tickets.get(id)) : changes)));
      const failed = results.filter((result) => result.status === 'rejected');
      announce(failed.length ? `${label}: ${failed.length} of ${ids.length} refused (${failed[0].reason.message})` : `${label}: ${ids.length} tickets`, failed.length > 0);
      this.checked.clear();
      this.load();
    };
    // The bar is rebuilt whenever the list redraws (a live event may do that while the agent types a tag): keep
    // what was typed, and the focus.
    const typed = this.bulk.querySelector('#bulk-tag');
    const tag = el('input', { type: 'text', id: 'bulk-tag', placeholder: 'tag', 'aria-label': 'Tag to add', size: 8 });
    if (typed) tag.value = typed.value;
    const refocus = typed && document.activeElement === typed;
    this.bulk.replaceChildren(el('span', { id: 'bulk-count' }, `${count} selected`),
      el('button', { type: 'button', id: 'bulk-close', onclick: () => apply('Closed', { status: 'closed' }) }, 'Close'),
      can('tickets.assign') ? el('button', { type: 'button', id: 'bulk-assign', onclick: () => apply('Assigned to you', { assignee_id: boot.user.id }) }, 'Assign to me') : null,
      tag, el('button', { type: 'button', id: 'bulk-tag-apply', onclick: () => {
        const value = tag.value.trim().toLowerCase();
        if (value) apply(`Tagged ${value}`, (ticket) => ({ tags: [...new Set([...(ticket?.tags || []), value])] }));
      } }, 'Add tag'));
    if (refocus) tag.focus();
  }
}

export const canAssign = () => can('tickets.assign');
