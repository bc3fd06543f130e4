// The customer sidebar: identities and how each was linked, custom attributes, the contact's other tickets.
import { api, el, channelBadge, timeLabel } from './api.js';

const reasons = {
  first_seen: 'first seen on this channel', seen_with: 'seen in the same message', matched_phone: 'matched by phone number',
  matched_email: 'matched by email address', added: 'added by an agent', merged: 'merged from another contact',
};
const kinds = { phone: 'Phone', email: 'Email', wa_id: 'WhatsApp', wa_bsuid: 'WhatsApp user id', ig_sid: 'Instagram', web_visitor: 'Web visitor' };

export function sidebarView(detail, currentTicket) {
  const { contact } = detail;
  const identities = el('ul', { class: 'identities', id: 'identities' }, (contact.identities || []).map((identity) => el('li', {},
    el('span', { class: 'kind' }, kinds[identity.kind] || identity.kind), ' ', el('span', { class: 'value' }, identity.value),
    el('small', { class: 'reason' }, reasons[identity.link_reason] || identity.link_reason))));
  const attributes = Object.entries(contact.attributes || {});
  const others = el('ul', { class: 'other-tickets', id: 'other-tickets' }, el('li', { class: 'empty' }, 'Loading…'));
  api('GET', `/api/v1/tickets?contact=${contact.id}&limit=20`).then((page) => {
    const list = page.tickets.filter((ticket) => ticket.id !== currentTicket);
    others.replaceChildren(...list.map((ticket) => el('li', {}, el('a', { href: `/app/tickets/${ticket.id}` }, channelBadge(ticket.channel), ' ',
      ticket.subject || '(no subject)', ' ', el('small', {}, `${ticket.status} · ${timeLabel(ticket.updated_at)}`)))));
    if (!list.length) others.replaceChildren(el('li', { class: 'empty' }, 'No other tickets.'));
  }).catch(() => others.replaceChildren(el('li', { class: 'empty' }, 'Not available.')));
  return [
    el('h2', {}, contact.display_name || 'Customer'),
    el('h3', {}, 'Identities'), identities,
    el('h3', {}, 'Attributes'),
    attributes.length ? el('dl', { class: 'attributes' }, attributes.map(([key, value]) => [el('dt', {}, key),
      el('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))])) : el('p', { class: 'empty' }, 'None'),
    el('h3', {}, 'Other tickets'), others,
  ];
}
