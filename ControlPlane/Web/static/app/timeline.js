// One timeline entry: a customer's message rendered for its channel, an agent's reply with delivery ticks, an
// internal note, or a system event.
import { api, el, channelBadge, timeLabel } from './api.js';
import { emailHeaderView, emailQuoteView, resolveInlineImages, splitButton, visibleAttachments } from './email.js';

const ticks = {
  queued: ['🕓', 'Queued'], sent: ['✓', 'Sent'], delivered: ['✓✓', 'Delivered'], read: ['✓✓', 'Read'], played: ['✓✓', 'Played'],
  failed: ['⚠', 'Failed'],
};

async function attachmentURL(id) {
  try { return (await api('GET', `/api/v1/attachments/${id}/url`)).url; } catch { return null; }
}

function attachmentView(attachment) {
  const holder = el('div', { class: 'attachment' });
  if (attachment.state !== 'stored') {
    holder.append(attachment.state === 'failed' ? `Attachment failed: ${attachment.error || 'unknown reason'}` : 'Attachment downloading…');
    return holder;
  }
  attachmentURL(attachment.id).then((url) => {
    if (!url) { holder.append('Attachment unavailable'); return; }
    const kind = attachment.kind;
    const mime = attachment.mime_type || '';
    if (kind === 'image' || kind === 'sticker' || mime.startsWith('image/')) {
      // The preview is the 320 px thumbnail when the worker made one (docs/conversations.md, "Thumbnails"); the link
      // opens the original, which is also shown if the thumbnail cannot be loaded.
      const preview = el('img', { src: attachment.thumbnail_url || url, alt: attachment.filename || 'Image', loading: 'lazy' });
      if (attachment.thumbnail_url) preview.addEventListener('error', () => { if (preview.src !== url) preview.src = url; }, { once: true });
      holder.append(el('a', { href: url, target: '_blank', rel: 'noopener' }, preview));
    } else if (kind === 'audio' || mime.startsWith('audio/')) {
      holder.append(el('audio', { controls: true, preload: 'metadata', src: url, 'aria-label': 'Voice message' }));
    } else if (kind === 'video' || mime.startsWith('video/')) {
      holder.append(el('video', { controls: true, preload: 'metadata', src: url }));
    } else {
      holder.append(el('a', { href: url, class: 'document', download: attachment.filename || true }, '📄 ', attachment.filename || 'Document',
        attachment.size_bytes ? ` (${Math.ceil(attachment.size_bytes / 1024)} KB)` : ''));
    }
  });
  return holder;
}

function buttonsView(message) {
  if (message.direction !== 'outbound' || message.type !== 'interactive') return null;
  const buttons = message.content?.buttons;
  if (Array.isArray(buttons) && buttons.length) {
    return el('ul', { class: 'reply-buttons', 'aria-label': 'Reply buttons' }, buttons.map((button) => el('li', {}, button.title)));
  }
  const list = message.content?.list;
  if (!list || !Array.isArray(list.sections)) return null;
  // A list message: the button that opens it, then each section's rows (with their descriptions).
  return el('div', { class: 'reply-list', 'aria-label': `List: ${list.button}` },
    el('div', { class: 'reply-list-button' }, list.button),
    list.sections.map((section) => el('ul', { class: 'reply-buttons', 'aria-label': section.title || list.button },
      section.title ? el('li', { class: 'reply-list-section' }, section.title) : null,
      (section.rows || []).map((row) => el('li', { title: row.description || null }, row.description ? `${row.title}: ${row.description}` : row.title)))));
}

function locationView(message) {
  const location = message.content?.location || message.content?.message?.location;
  if (!location || location.latitude === undefined) return null;
  const url = `https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}#map=16/${location.latitude}/${location.longitude}`;
  return el('a', { class: 'location', href: url, target: '_blank', rel: 'noopener noreferrer' },
    '📍 ', location.name || `${location.latitude}, ${location.longitude}`, location.address ? ` — ${location.address}` : '');
}

// Instagram stories: say what the message is about; the story's media (when Instagram sent its URL) is among the
// attachments below.
const storyLabels = { story_mention: 'Mentioned you in their story', story_reply: 'Replied to your story' };
function storyView(message) {
  const label = storyLabels[message.type];
  return label ? el('p', { class: 'story-label' }, '📖 ', label) : null;
}

function reactionsView(reactions) {
  const emojis = Object.values(reactions || {}).map((value) => (typeof value === 'string' ? value : value?.emoji)).filter(Boolean);
  if (!emojis.length) return null;
  return el('span', { class: 'reactions', 'aria-label': `Reactions: ${emojis.join(' ')}` }, emojis.map((emoji) => el('span', {}, emoji)));
}

export function messageView(message, { onRetry, onSplit } = {}) {
  const kind = message.direction === 'note' ? 'note' : message.direction;
  const body = el('div', { class: 'body' });
  if (message.deleted_at) body.append(el('em', {}, 'The customer deleted this message.'));
  else if (message.html) { body.innerHTML = message.html; resolveInlineImages(body); }
  else if (message.type !== 'text' && !storyLabels[message.type] && !visibleAttachments(message).length) body.append(el('em', {}, `[${message.type}]`));
  const location = message.type === 'location' ? locationView(message) : null;
  const footer = el('div', { class: 'meta' }, channelBadge(message.channel), splitButton(message, onSplit),
    kind === 'note' ? el('span', { class: 'note-label' }, 'Internal note') : null,
    el('time', { datetime: message.sent_at, title: new Date(message.sent_at).toLocaleString() }, timeLabel(message.sent_at)));
  if (kind === 'outbound' && message.delivery_status) {
    const [symbol, label] = ticks[message.delivery_status] || ['', message.delivery_status];
    footer.append(el('span', { class: `ticks tk-${message.delivery_status}`, 'data-status': message.delivery_status, title: label, 'aria-label': label }, symbol));
    if (message.delivery_status === 'failed') {
      const error = message.delivery_error || {};
      footer.append(el('span', { class: 'failure', role: 'note' }, error.title || error.message || error.details || 'Not delivered'));
      if (onRetry && message.text) footer.append(el('button', { type: 'button', class: 'retry', onclick: () => onRetry(message) }, 'Retry'));
    }
  }
  return el('li', { class: `msg ${kind}`, 'data-id': message.id, 'data-type': message.type },
    emailHeaderView(message), storyView(message), body, emailQuoteView(message), location, buttonsView(message), visibleAttachments(message).map(attachmentView),
    reactionsView(message.reactions), footer);
}

const systemTexts = {
  'ticket.created': () => 'Ticket opened',
  'ticket.reopened': () => 'Ticket reopened',
  'ticket.status_changed': (data) => `Status changed to ${data.status}`,
  'ticket.assigned': (data, names) => (data.assignee_id ? `Assigned to ${names[data.assignee_id] || 'an agent'}` : 'Unassigned'),
  'ticket.updated': () => 'Ticket updated',
};

export function systemView(event, names) {
  const text = systemTexts[event.type];
  if (!text) return null;
  return el('li', { class: 'system', role: 'note' }, text(event.data || {}, names), ' · ', el('time', {}, timeLabel(event.recorded_at)));
}
