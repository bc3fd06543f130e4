// The customer sidebar: identities and how each was linked, the contact's custom fields and other attributes, the
// contact's other tickets.
import { api, can, el, channelBadge, timeLabel, announce } from './api.js';
import { contactFieldsView } from './fields.js';

const reasons = {
  first_seen: 'first seen on this channel', seen_with: 'seen in the same message', matched_phone: 'matched by phone number',
  matched_email: 'matched by email address', added: 'added by an agent', merged: 'merged from another contact',
};
const kinds = { phone: 'Phone', email: 'Email', wa_id: 'WhatsApp', wa_bsuid: 'WhatsApp user id', ig_sid: 'Instagram', web_visitor: 'Web visitor' };

// "Merge into this ticket" on another open ticket of the same customer.
function mergeButton(other, currentTicket, onMerged) {
  if (!can('tickets.assign') || other.status === 'closed') return null;
  return el('button', { type: 'button', class: 'merge', 'aria-label': `Merge "${other.subject || 'ticket'}" into this ticket`, onclick: async () => {
    try {
      const move = await api('POST', `/api/v1/tickets/${other.id}/merge`, { into: currentTicket });
      announce('Merged into this ticket');
      onMerged?.(move);
    } catch (error) { announce(error.message, true); }
  } }, 'Merge here');
}

export function sidebarView(detail, currentTicket, { onMerged, lastMove, onUndo, contactFields = [], onContactSaved } = {}) {
  const { contact } = detail;
  const identities = el('ul', { class: 'identities', id: 'identities' }, (contact.identities || []).map((identity) => el('li', {},
    el('span', { class: 'kind' }, kinds[identity.kind] || identity.kind), ' ', el('span', { class: 'value' }, identity.value),
    el('small', { class: 'reason' }, reasons[identity.link_reason] || identity.link_reason))));
  const defined = new Set(contactFields.map((field) => field.key));
  const attributes = Object.entries(contact.attributes || {}).filter(([key]) => !defined.has(key));
  const others = el('ul', { class: 'other-tickets', id: 'other-tickets' }, el('li', { class: 'empty' }, 'Loading…'));
  api('GET', `/api/v1/tickets?contact=${contact.id}&limit=20`).then((page) => {
    const list = page.tickets.filter((ticket) => ticket.id !== currentTicket);
    others.replaceChildren(...list.map((ticket) => el('li', {}, el('a', { href: `/app/tickets/${ticket.id}` }, channelBadge(ticket.channel), ' ',
      ticket.subject || '(no subject)', ' ', el('small', {}, `${ticket.status} · ${timeLabel(ticket.updated_at)}`)),
      mergeButton(ticket, currentTicket, onMerged))));
    if (!list.length) others.replaceChildren(el('li', { class: 'empty' }, 'No other tickets.'));
  }).catch(() => others.replaceChildren(el('li', { class: 'empty' }, 'Not available.')));
  return [
    el('h2', {}, contact.display_name || 'Customer'),
    el('h3', {}, 'Identities'), identities,
    contactFields.length ? el('h3', {}, 'Fields') : null,
    contactFieldsView(contact, contactFields, onContactSaved),
    el('h3', {}, 'Attributes'),
    attributes.length ? el('dl', { class: 'attributes' }, attributes.map(([key, value]) => [el('dt', {}, key),
      el('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))])) : el('p', { class: 'empty' }, 'None'),
    el('h3', {}, 'Other tickets'),
    lastMove ? el('button', { type: 'button', class: 'merge', id: 'undo-merge', onclick: async () => {
      try { await api('POST', `/api/v1/ticket-moves/${lastMove.id}/undo`); announce('Merge undone'); onUndo?.(); } catch (error) { announce(error.message, true); }
    } }, 'Undo the last merge') : null,
    others,
  ].filter(Boolean);
}
