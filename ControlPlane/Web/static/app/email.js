// Email in the workspace: the header block of an email message (subject, from, to, cc, how it was threaded, parse
// warnings), its quoted history folded away, inline images resolved to signed URLs, a "Split" action; and the
// email fields of the composer (subject, Cc, Bcc, attachments).
import { api, el, announce } from './api.js';

const ruleTexts = {
  reply_address: 'Threaded by the ticket\'s reply address',
  message_id: 'Threaded by In-Reply-To / References',
  subject_reference: 'Threaded by the ticket reference in the subject',
  new: 'Started a new ticket',
  bounce: 'Delivery report',
};

const outcomeTexts = { reopened: ' (reopened the ticket)', new_linked: ' (the old ticket was closed: new ticket, linked)' };

function addresses(list) {
  return (list || []).map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

// The lines above an email's body, or null for other messages.
export function emailHeaderView(message) {
  if (message.channel !== 'email' || !message.content || message.direction === 'note' && !message.content.bounce) return null;
  const content = message.content;
  const rows = [];
  if (content.subject) rows.push(el('div', { class: 'email-subject' }, content.subject));
  const who = [['From', content.from], ['To', content.to], ['Cc', content.cc], ['Bcc', content.bcc]]
    .filter(([, list]) => list && list.length)
    .map(([label, list]) => el('div', { class: 'email-addr' }, el('span', { class: 'label' }, `${label}: `), addresses(list)));
  rows.push(...who);
  if (content.thread) {
    rows.push(el('div', { class: 'email-thread', title: content.thread.detail || '' },
      (ruleTexts[content.thread.rule] || content.thread.rule) + (outcomeTexts[content.thread.outcome] || ''),
      content.thread.detail ? ` — ${content.thread.detail}` : ''));
  }
  if (content.auto_reply) rows.push(el('div', { class: 'email-flag' }, `Sent automatically (${content.auto_reply}); not answered automatically`));
  if (content.suppressed) rows.push(el('div', { class: 'email-flag' }, content.suppressed === 'own_mail' ? 'Our own mail came back; not answered' : 'Sender over the per-minute limit; not acknowledged'));
  for (const warning of content.warnings || []) rows.push(el('div', { class: 'email-warning', role: 'note' }, `⚠ ${warning}`));
  return el('div', { class: 'email-head' }, rows);
}

// Inline images point at glavito-attachment:<id>: swap in short-lived signed URLs.
export function resolveInlineImages(body) {
  for (const image of body.querySelectorAll('img[src^="glavito-attachment:"]')) {
    const id = image.getAttribute('src').slice('glavito-attachment:'.length);
    image.removeAttribute('src');
    api('GET', `/api/v1/attachments/${id}/url`).then((answer) => { image.src = answer.url; }).catch(() => { image.alt = 'Image unavailable'; });
  }
}

// The quoted history and signature, folded away.
export function emailQuoteView(message) {
  const content = message.content || {};
  if (message.channel !== 'email' || (!content.quoted_text && !content.signature)) return null;
  return el('details', { class: 'email-quote' }, el('summary', {}, 'Show quoted text'),
    el('pre', {}, [content.signature ? `-- \n${content.signature}` : '', content.quoted_text || ''].filter(Boolean).join('\n\n')));
}

// Raw .eml parts are kept for the record but are not shown as attachments.
export function visibleAttachments(message) {
  return (message.attachments || []).filter((a) => a.kind !== 'raw_email');
}

// "Split into a new ticket" for a customer's email.
export function splitButton(message, onDone) {
  if (message.channel !== 'email' || message.direction !== 'inbound') return null;
  return el('button', { type: 'button', class: 'split', onclick: async () => {
    try {
      const move = await api('POST', `/api/v1/messages/${message.id}/split`);
      announce('Split into a new ticket');
      onDone?.(move);
    } catch (error) { announce(error.message, true); }
  } }, 'Split');
}

// The composer's email fields; `values()` gives what the reply request takes.
export class EmailFields {
  constructor() {
    this.subject = el('input', { type: 'text', id: 'email-subject', 'aria-label': 'Subject', placeholder: 'Subject (default: Re: the ticket\'s subject)' });
    this.cc = el('input', { type: 'text', id: 'email-cc', 'aria-label': 'Cc', placeholder: 'Cc: addresses, comma-separated' });
    this.bcc = el('input', { type: 'text', id: 'email-bcc', 'aria-label': 'Bcc', placeholder: 'Bcc' });
    this.files = el('input', { type: 'file', id: 'email-files', multiple: true, 'aria-label': 'Attach files' });
    this.element = el('div', { class: 'email-fields', hidden: true }, this.subject, this.cc, this.bcc, this.files);
  }

  show(visible) { this.element.hidden = !visible; }

  static list(text) { return text.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean); }

  async values() {
    const attachments = await Promise.all([...this.files.files].map((file) => new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve({ filename: file.name, content_type: file.type || 'application/octet-stream', data: String(reader.result).split(',')[1] || '' });
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    })));
    const out = {};
    if (this.subject.value.trim()) out.subject = this.subject.value.trim();
    if (this.cc.value.trim()) out.cc = EmailFields.list(this.cc.value);
    if (this.bcc.value.trim()) out.bcc = EmailFields.list(this.bcc.value);
    if (attachments.length) out.attachments = attachments;
    return out;
  }

  clear() { this.subject.value = ''; this.cc.value = ''; this.bcc.value = ''; this.files.value = ''; }
}
