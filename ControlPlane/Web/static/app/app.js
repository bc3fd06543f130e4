// The agent workspace: inbox and ticket view side by side (stacked on a phone), both live through one WebSocket.
import { api, boot, can, el, announce } from './api.js';
import { Live } from './live.js';
import { Inbox } from './inbox.js';
import { TicketView } from './ticket.js';

const inboxPane = document.getElementById('inbox-pane');
const ticketPane = document.getElementById('ticket-pane');
const main = document.getElementById('ws-main');
const status = document.getElementById('live-status');
let agents = [];
let fields = [];
let contactFields = [];
let teams = [];
let current = null;

const live = new Live({
  onEvent: (frame) => {
    const event = frame.event;
    if (!event.stream.startsWith('ticket/')) return;
    const id = event.stream.slice('ticket/'.length);
    // Stamp the moment an event reached the page (tests and the benchmark read it).
    window.glavitoLastEvent = { type: event.type, ticket: id, at: performance.now() };
    if (current && current.id === id) current.onEvent(event);
    if (event.type === 'note.mentioned' && (event.data?.mentioned_user_ids || '').split(',').includes(boot.user.id)) {
      announce(`${event.data.author_name} mentioned you in a note`);
      inbox.unread.add(id);
      inbox.renderList();
    }
    if (frame.topics.some((topic) => topic === 'inbox' || topic === 'dashboard')) inbox.onEvent(event);
  },
  onStatus: (state) => {
    status.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
    status.className = `live-status ${state}`;
    document.body.dataset.live = state;
  },
  // After a reconnect the missed events were replayed; reload the list anyway so counts and order are exact.
  onResumed: () => inbox.load(),
});

window.glavitoLive = live; // tests drop the connection through it to check the resume

function topics() {
  const list = ['inbox'];
  if (can('analytics.view')) list.push('dashboard');
  if (current) list.push(`ticket/${current.id}`);
  return list;
}

const inbox = new Inbox(inboxPane, { onOpen: (id) => open(id, true) });

async function open(id, push) {
  if (current?.id === id) { showTicket(); return; }
  current?.close();
  current = id ? new TicketView(ticketPane, id, { agents, fields, contactFields, teams, onBack: () => back(), onChanged: () => inbox.loadCounts() }) : null;
  if (push) history.pushState({ id }, '', id ? `/app/tickets/${id}` : '/app');
  live.setTopics(topics());
  inbox.select(id);
  if (!current) { main.classList.remove('showing-ticket'); return; }
  showTicket();
  try {
    await current.open();
  } catch (error) {
    ticketPane.replaceChildren(el('p', { class: 'empty', role: 'alert' }, error.message));
  }
}

function showTicket() {
  main.classList.add('showing-ticket');
  ticketPane.focus({ preventScroll: true });
}

function back() {
  main.classList.remove('showing-ticket');
  current?.close();
  current = null;
  history.pushState({ id: null }, '', '/app');
  inbox.select(null);
  live.setTopics(topics());
  ticketPane.replaceChildren(el('p', { class: 'empty' }, 'Choose a ticket from the inbox.'));
  inboxPane.querySelector('li.selected a, #ticket-list a')?.focus();
}

window.addEventListener('popstate', (event) => {
  const id = event.state?.id || ticketFromPath();
  if (id) open(id, false); else if (current) back();
});

function ticketFromPath() {
  const match = location.pathname.match(/^\/app\/tickets\/([0-9a-f-]{36})$/i);
  return match ? match[1].toLowerCase() : null;
}

const help = el('dialog', { id: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
  el('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
  el('dl', {}, [['j / k', 'Next / previous ticket'], ['/', 'Search'], ['r', 'Reply'], ['n', 'Internal note'], ['Ctrl+Enter', 'Send'],
    ['Alt+N', 'Switch reply / note'], ['Esc', 'Back to the inbox'], ['?', 'This help']].map(([key, what]) => [el('dt', {}, el('kbd', {}, key)), el('dd', {}, what)])),
  el('form', { method: 'dialog' }, el('button', { type: 'submit' }, 'Close')));
document.body.append(help);

document.addEventListener('keydown', (event) => {
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
  if (event.altKey && (event.key === 'n' || event.key === 'N') && current?.composer) {
    event.preventDefault();
    current.composer.setMode(current.composer.mode === 'note' ? 'reply' : 'note');
    return;
  }
  if (event.key === 'Escape' && !help.open) {
    if (typing) document.activeElement.blur(); else if (current) back();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === 'j' || event.key === 'k') {
    const id = inbox.neighbour(event.key === 'j' ? 1 : -1);
    if (id) open(id, true);
  } else if (event.key === '/') {
    event.preventDefault();
    document.getElementById('search')?.focus();
  } else if ((event.key === 'r' || event.key === 'n') && current?.composer) {
    event.preventDefault();
    current.composer.setMode(event.key === 'n' ? 'note' : 'reply');
  } else if (event.key === '?') {
    help.showModal();
  }
});

async function start() {
  live.setTopics(topics());
  const loading = inbox.load();
  try {
    [agents, fields, teams] = await Promise.all([api('GET', '/api/v1/workspace/agents').then((answer) => answer.agents),
      api('GET', '/api/v1/ticket-fields').then((answer) => answer.fields),
      api('GET', '/api/v1/teams').then((answer) => answer.teams)]);
    // Contact fields need contacts.read; without it the sidebar shows none.
    contactFields = await api('GET', '/api/v1/contact-fields').then((answer) => answer.fields).catch(() => []);
    inbox.setAgents(agents, teams, fields);
  } catch (error) { announce(error.message, true); }
  await loading;
  const id = ticketFromPath();
  if (id) await open(id, false);
  document.body.dataset.ready = 'true';
  window.glavitoReadyAt = performance.now();
}

start();
