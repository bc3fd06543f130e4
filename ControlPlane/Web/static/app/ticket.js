// The ticket view: header with actions (status, priority, assignee, tags), who else is here, the unified
// timeline, the composer and the customer sidebar. Updates in place from live events of its stream.
import { api, can, el, channelBadge, debounce, announce } from './api.js';
import { messageView, systemView } from './timeline.js';
import { Composer } from './composer.js';
import { Presence } from './presence.js';
import { sidebarView } from './sidebar.js';
import { fieldsView } from './fields.js';

export class TicketView {
  constructor(pane, id, { agents, fields, contactFields, teams, onBack, onChanged }) {
    this.pane = pane;
    this.id = id;
    this.agents = agents;
    this.fields = fields || [];
    this.contactFields = contactFields || [];
    this.teams = teams || [];
    this.onBack = onBack;
    this.onChanged = onChanged;
    this.names = Object.fromEntries(agents.map((agent) => [agent.id, agent.name]));
    this.reloadMessages = debounce(() => this.loadMessages(), 100);
    this.reloadTicket = debounce(() => this.loadTicket(), 100);
  }

  async open() {
    this.pane.replaceChildren(el('p', { class: 'empty', 'aria-busy': 'true' }, 'Loading…'));
    await this.loadTicket();
    this.presence = new Presence(this.id, this.presenceBar);
    this.presence.start();
    await this.loadMessages();
  }

  close() {
    this.presence?.stop();
    this.composer?.stop();
  }

  async loadTicket() {
    const detail = await api('GET', `/api/v1/tickets/${this.id}`);
    this.detail = detail;
    if (!this.timeline) this.build();
    this.renderHeader();
    this.composer.update(detail);
    const close = el('button', { type: 'button', class: 'sidebar-close', id: 'sidebar-close', 'aria-label': 'Close the customer panel',
      onclick: () => { this.side.classList.remove('open'); this.header.querySelector('#customer-toggle')?.setAttribute('aria-expanded', 'false'); } }, '×');
    this.side.replaceChildren(close, ...sidebarView(detail, this.id, {
      lastMove: this.lastMove,
      contactFields: this.contactFields,
      onContactSaved: (contact) => { this.detail.contact = contact; },
      onMerged: (move) => { this.lastMove = move; this.reloadTicket(); this.reloadMessages(); },
      onUndo: () => { this.lastMove = null; this.reloadTicket(); this.reloadMessages(); },
    }));
  }

  async loadMessages() {
    let after = null;
    const all = [];
    do {
      const page = await api('GET', `/api/v1/tickets/${this.id}/messages?limit=500${after ? `&after=${after}` : ''}`);
      all.push(...page.messages);
      after = page.next;
    } while (after);
    const activity = await api('GET', `/api/v1/tickets/${this.id}/activity`).catch(() => ({ events: [] }));
    const items = [...all.map((message) => ({ at: message.sent_at, node: () => messageView(message, { onRetry: (failed) => this.retry(failed), onSplit: () => this.reloadMessages() }) })),
      ...activity.events.map((event) => ({ at: event.recorded_at, node: () => systemView(event, this.names) }))];
    items.sort((a, b) => a.at.localeCompare(b.at));
    const stuck = this.timeline.scrollHeight - this.timeline.scrollTop - this.timeline.clientHeight < 80;
    this.timeline.replaceChildren(...items.map((item) => item.node()).filter(Boolean));
    if (stuck || !this.scrolled) { this.timeline.scrollTop = this.timeline.scrollHeight; this.scrolled = true; }
  }

  async retry(message) {
    try {
      await api('POST', `/api/v1/tickets/${this.id}/messages`, { type: 'text', text: message.text });
      announce('Sent again');
      this.reloadMessages();
    } catch (error) { announce(error.message, true); }
  }

  build() {
    this.header = el('div', { class: 'ticket-head' });
    this.presenceBar = el('div', { class: 'presence', id: 'presence', role: 'status', 'aria-live': 'polite' });
    this.timeline = el('ol', { class: 'timeline', id: 'timeline', 'aria-label': 'Conversation', tabindex: '0' });
    this.composer = new Composer(this.id, { onSent: () => this.reloadMessages(), onTyping: () => this.presence?.typing() });
    this.side = el('aside', { class: 'sidebar', id: 'sidebar', 'aria-label': 'Customer' });
    const main = el('div', { class: 'ticket-main' }, this.header, this.presenceBar, this.timeline, this.composer.element);
    this.pane.replaceChildren(el('div', { class: 'ticket-layout' }, main, this.side));
  }

  renderHeader() {
    const { ticket, contact } = this.detail;
    const patch = async (changes, done) => {
      try {
        this.detail.ticket = await api('PATCH', `/api/v1/tickets/${this.id}`, changes);
        announce(done);
        this.onChanged?.();
      } catch (error) {
        announce(error.message, true);
        this.renderHeader();
      }
    };
    const choose = (id, label, value, options, onchange, disabled) => el('label', { class: 'action' }, el('span', {}, label),
      el('select', { id, onchange: (event) => onchange(event.target.value), disabled: disabled || undefined },
        options.map(([key, text]) => el('option', { value: key, selected: key === value }, text))));
    const status = choose('ticket-status', 'Status', ticket.status, ['open', 'pending', 'snoozed', 'resolved', 'closed'].map((s) => [s, s]),
      (value) => patch({ status: value }, `Status: ${value}`), !can('tickets.reply'));
    const priority = choose('ticket-priority', 'Priority', ticket.priority, ['urgent', 'high', 'normal', 'low'].map((p) => [p, p]),
      (value) => patch({ priority: value }, `Priority: ${value}`), !can('tickets.reply'));
    const assignee = choose('ticket-assignee', 'Assignee', ticket.assignee_id || '',
      [['', 'Unassigned'], ...this.agents.map((agent) => [agent.id, agent.name])],
      (value) => patch({ assignee_id: value || null }, value ? `Assigned to ${this.names[value]}` : 'Unassigned'), !can('tickets.assign'));
    // The tenant's teams (GET /api/v1/teams); a key no team has any more (a deleted team's) stays visible as it is.
    const teamName = Object.fromEntries(this.teams.map((t) => [t.key, t.name]));
    const teamOptions = this.teams.map((t) => [t.key, t.name]);
    if (ticket.team && !teamName[ticket.team]) teamOptions.push([ticket.team, ticket.team]);
    const team = choose('ticket-team', 'Team', ticket.team || '', [['', 'No team'], ...teamOptions],
      (value) => patch({ team: value || null }, value ? `Team: ${teamName[value] || value}` : 'No team'), !can('tickets.assign'));
    const tags = el('input', { id: 'ticket-tags', type: 'text', value: ticket.tags.join(', '), 'aria-label': 'Tags, separated by commas',
      placeholder: 'tags', disabled: !can('tickets.reply') || undefined,
      onchange: (event) => patch({ tags: event.target.value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) }, 'Tags saved') });
    const back = el('button', { type: 'button', class: 'back', onclick: () => this.onBack(), 'aria-label': 'Back to the inbox' }, '←');
    // Below 1,100 px the customer sidebar opens as a panel over the ticket.
    const customer = el('button', { type: 'button', class: 'customer-toggle', id: 'customer-toggle', 'aria-controls': 'sidebar',
      'aria-expanded': String(this.side.classList.contains('open')),
      onclick: (event) => { const open = this.side.classList.toggle('open'); event.currentTarget.setAttribute('aria-expanded', String(open)); } }, 'Customer');
    this.header.replaceChildren(
      el('div', { class: 'title-row' }, back, el('h1', { id: 'ticket-title' }, contact.display_name || 'Customer'), channelBadge(ticket.last_channel), customer),
      el('p', { class: 'subject' }, ticket.subject),
      // On a phone the actions fold away (keeping the timeline in view); the agent's choice holds while the view is open.
      el('details', { class: 'ticket-details', open: this.detailsOpen ?? matchMedia('(min-width: 601px)').matches,
        ontoggle: (event) => { this.detailsOpen = event.target.open; } },
      el('summary', {}, 'Status, assignee, tags and fields'),
      el('div', { class: 'actions' }, status, priority, assignee, team, el('label', { class: 'action' }, el('span', {}, 'Tags'), tags)),
      fieldsView(this.id, ticket, this.fields, (updated) => { this.detail.ticket = updated; })));
  }

  // A live event of this ticket's stream.
  onEvent(event) {
    if (event.type.startsWith('agent.') || event.type === 'visitor.typing') { this.presence?.onEvent(event); return; }
    if (event.type.startsWith('message.') || event.type.startsWith('attachment.') || event.type.startsWith('ticket.')) this.reloadMessages();
    if (event.type.startsWith('ticket.')) this.reloadTicket();
  }
}
