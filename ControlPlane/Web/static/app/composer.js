// The composer: reply on the ticket's channel (with a preview of how it will look there), internal notes, the
// WhatsApp/Instagram customer-service window with its countdown, templates once the window has closed, and files
// (email: any number; WhatsApp: one, the text as its caption; Instagram and web chat: several, after the text).
import { api, boot, can, el, debounce, announce, channelNames } from './api.js';
import { EmailFields } from './email.js';
import { readFiles } from './files.js';

export class Composer {
  constructor(ticket, { onSent, onTyping }) {
    this.ticket = ticket;
    this.onSent = onSent;
    this.onTyping = onTyping;
    this.mode = 'reply';
    this.templates = null;
    this.build();
  }

  build() {
    const tab = (mode, label) => el('button', { type: 'button', role: 'tab', id: `mode-${mode}`, 'aria-selected': String(this.mode === mode),
      onclick: () => this.setMode(mode) }, label);
    this.tabs = el('div', { class: 'composer-tabs', role: 'tablist', 'aria-label': 'Compose' }, tab('reply', 'Reply'), tab('note', 'Internal note'));
    this.windowInfo = el('span', { class: 'window', id: 'window-info', role: 'status' });
    this.channelSelect = el('select', { id: 'reply-channel', 'aria-label': 'Reply on', hidden: true,
      onchange: (event) => { this.chosenAccount = event.target.value; this.templates = null; this.update(this.detail); } });
    this.text = el('textarea', { id: 'composer-text', rows: '3', 'aria-label': 'Reply', placeholder: 'Write a reply… (Ctrl+Enter sends)',
      oninput: () => { this.onTyping(); this.refreshPreview(); }, onkeydown: (event) => this.keydown(event) });
    this.previewBox = el('div', { class: 'preview', id: 'preview', 'aria-live': 'polite', hidden: true });
    this.previewToggle = el('label', { class: 'preview-toggle' }, el('input', { type: 'checkbox', id: 'preview-toggle',
      onchange: (event) => { this.previewBox.hidden = !event.target.checked; this.refreshPreview(); } }), ' Preview');
    this.sendButton = el('button', { type: 'submit', id: 'send', class: 'primary' }, 'Send');
    this.templateBox = el('div', { class: 'templates', id: 'templates', hidden: true });
    this.canned = el('select', { id: 'canned', 'aria-label': 'Insert a canned response', onchange: () => this.insertCanned() },
      el('option', { value: '' }, 'Canned responses…'));
    if (can('tickets.reply')) {
      api('GET', '/api/v1/canned-responses').then((answer) => {
        this.cannedResponses = answer.canned_responses;
        for (const [index, response] of this.cannedResponses.entries()) this.canned.append(el('option', { value: String(index) }, `/${response.shortcut} · ${response.title}`));
      }).catch(() => { this.canned.hidden = true; });
    }
    this.email = new EmailFields();
    this.mediaFiles = el('input', { type: 'file', id: 'media-files', 'aria-label': 'Attach a file',
      accept: 'image/jpeg,image/png,audio/*,video/mp4,video/3gpp,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx' });
    this.mediaAccept = this.mediaFiles.accept;
    this.mediaBox = el('div', { class: 'media-fields', hidden: true }, this.mediaFiles);
    this.element = el('form', { class: 'composer', id: 'composer', onsubmit: (event) => { event.preventDefault(); this.send(); } },
      el('div', { class: 'composer-top' }, this.tabs, this.channelSelect, this.windowInfo), this.email.element, this.mediaBox, this.templateBox, this.text, this.previewBox,
      el('div', { class: 'composer-bottom' }, this.canned, this.previewToggle, el('span', { class: 'hint' }, 'Ctrl+Enter send · Alt+N note'), this.sendButton));
    this.refreshPreview = debounce(() => this.preview(), 250);
    if (!can('tickets.reply')) { this.text.disabled = true; this.sendButton.disabled = true; }
  }

  stop() { clearInterval(this.countdown); }

  update(detail) {
    this.detail = detail;
    const { ticket, windows } = detail;
    // The customer's last channel unless the agent chose another one they can be reached on.
    const choices = detail.reply_channels || [];
    const chosen = choices.find((choice) => choice.channel_account_id === this.chosenAccount);
    this.channel = chosen ? chosen.channel : ticket.last_channel;
    this.account = chosen ? chosen.channel_account_id : ticket.last_channel_account_id;
    this.channelSelect.replaceChildren(...choices.map((choice) => el('option', { value: choice.channel_account_id,
      selected: choice.channel_account_id === this.account }, `${channelNames[choice.channel] || choice.channel} · ${choice.name}`)));
    this.channelSelect.hidden = choices.length < 2;
    this.window = windows.find((w) => w.channel_account_id === this.account) || windows.find((w) => w.channel === this.channel);
    this.email.show(this.channel === 'email' && this.mode !== 'note');
    this.showMedia();
    clearInterval(this.countdown);
    this.tick();
    this.countdown = setInterval(() => this.tick(), 1000);
  }

  // The file picker of a WhatsApp, Instagram or web chat reply (one file on WhatsApp, several elsewhere); what each
  // channel takes is checked by the server (docs/conversations.md, "Replies").
  showMedia() {
    const messaging = ['whatsapp', 'instagram', 'webchat'].includes(this.channel);
    this.mediaBox.hidden = !messaging || this.mode === 'note' || this.freeTextAllowed === false;
    this.mediaFiles.multiple = this.channel !== 'whatsapp';
    this.mediaFiles.accept = this.channel === 'webchat' ? 'image/jpeg,image/png,image/webp,application/pdf' : this.mediaAccept;
    this.mediaFiles.setAttribute('aria-label', this.channel === 'whatsapp' ? 'Attach a file (the text is its caption)' : 'Attach files');
  }

  // Whether free text may go out now on the reply channel.
  windowOpen() {
    if (!['whatsapp', 'instagram'].includes(this.channel) || !this.window) return true;
    const closes = this.window.closes_at && new Date(this.window.closes_at).getTime();
    const human = this.window.human_agent_closes_at && new Date(this.window.human_agent_closes_at).getTime();
    return (closes && closes > Date.now()) || (human && human > Date.now()) || false;
  }

  tick() {
    const open = this.windowOpen();
    if (['whatsapp', 'instagram'].includes(this.channel) && this.window) {
      const closes = new Date(this.window.closes_at).getTime();
      const left = Math.max(0, closes - Date.now());
      const h = Math.floor(left / 3600000);
      const m = Math.floor((left % 3600000) / 60000);
      const s = Math.floor((left % 60000) / 1000);
      this.windowInfo.textContent = open
        ? `${channelNames[this.channel]} window: ${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s left`
        : `${channelNames[this.channel]} window closed: send a template`;
      this.windowInfo.className = open ? (left < 3600000 ? 'window closing' : 'window') : 'window closed';
    } else {
      this.windowInfo.textContent = `Replying on ${channelNames[this.channel] || this.channel}`;
      this.windowInfo.className = 'window';
    }
    const freeTextAllowed = this.mode === 'note' || open;
    if (this.freeTextAllowed !== freeTextAllowed) {
      this.freeTextAllowed = freeTextAllowed;
      this.text.disabled = !freeTextAllowed || !can('tickets.reply');
      this.text.placeholder = freeTextAllowed ? (this.mode === 'note' ? 'Write an internal note… (Ctrl+Enter saves)' : 'Write a reply… (Ctrl+Enter sends)')
        : 'The customer-service window has closed: free text cannot be sent. Choose a template.';
      this.templateBox.hidden = freeTextAllowed;
      this.showMedia();
      if (!freeTextAllowed) this.loadTemplates();
    }
  }

  setMode(mode) {
    this.mode = mode;
    this.email.show(this.channel === 'email' && mode !== 'note');
    this.showMedia();
    for (const button of this.tabs.querySelectorAll('button')) button.setAttribute('aria-selected', String(button.id === `mode-${mode}`));
    this.element.classList.toggle('note-mode', mode === 'note');
    this.sendButton.textContent = mode === 'note' ? 'Save note' : 'Send';
    this.text.setAttribute('aria-label', mode === 'note' ? 'Internal note' : 'Reply');
    this.freeTextAllowed = undefined;
    this.tick();
    this.text.focus();
  }

  // The chosen canned response at the cursor, its placeholders filled from this ticket.
  insertCanned() {
    const response = this.cannedResponses?.[Number(this.canned.value)];
    this.canned.value = '';
    if (!response || this.text.disabled) return;
    const values = { 'contact.name': this.detail?.contact?.display_name || '', 'agent.name': boot.user.name, 'ticket.subject': this.detail?.ticket?.subject || '' };
    const text = response.body.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (all, key) => (key in values ? values[key] : all));
    const { selectionStart: start, selectionEnd: end, value } = this.text;
    this.text.value = value.slice(0, start) + text + value.slice(end);
    this.text.focus();
    this.text.selectionStart = this.text.selectionEnd = start + text.length;
    this.refreshPreview();
  }

  keydown(event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); this.send(); }
  }

  async preview() {
    if (this.previewBox.hidden || this.mode === 'note') return;
    const text = this.text.value;
    if (!text.trim()) { this.previewBox.replaceChildren(); return; }
    try {
      const shown = await api('POST', `/api/v1/tickets/${this.ticket}/preview`, { text, channel: this.channel });
      this.previewBox.replaceChildren(el('div', { class: 'preview-label' }, `As the customer sees it on ${channelNames[shown.channel]}`),
        el('div', { class: 'bubble', html: shown.html }));
    } catch (error) { this.previewBox.textContent = error.message; }
  }

  async loadTemplates() {
    if (!this.account || this.channel !== 'whatsapp') {
      this.templateBox.replaceChildren(el('p', {}, 'This channel has no templates: wait for the customer to write again.'));
      return;
    }
    if (!this.templates) {
      try { this.templates = (await api('GET', `/api/v1/channels/${this.account}/templates`)).templates.filter((t) => t.status === 'APPROVED' || t.status === 'approved'); }
      catch (error) { this.templateBox.replaceChildren(el('p', { role: 'alert' }, error.message)); return; }
    }
    const select = el('select', { id: 'template', 'aria-label': 'Template', onchange: () => this.renderParameters() },
      el('option', { value: '' }, 'Choose a template…'),
      this.templates.map((t, index) => el('option', { value: String(index) }, `${t.name} (${t.language})`)));
    this.parameterBox = el('div', { class: 'parameters' });
    this.templateBox.replaceChildren(el('label', { class: 'action' }, el('span', {}, 'Template'), select), this.parameterBox);
    this.templateSelect = select;
  }

  renderParameters() {
    const template = this.templates[Number(this.templateSelect.value)];
    if (!template) { this.parameterBox.replaceChildren(); return; }
    const filled = el('p', { class: 'bubble', id: 'template-preview' });
    const inputs = Array.from({ length: template.parameters }, (_, i) => el('input', { type: 'text', class: 'param', id: `param-${i + 1}`,
      'aria-label': `Parameter ${i + 1}`, placeholder: `{{${i + 1}}}`, required: true, oninput: () => update() }));
    const update = () => { filled.textContent = template.body.replace(/\{\{(\d+)\}\}/g, (all, n) => inputs[n - 1]?.value || all); };
    update();
    this.parameterBox.replaceChildren(...inputs, filled);
    this.parameterInputs = inputs;
  }

  async send() {
    if (this.busy) return;
    let body;
    if (this.mode === 'note') body = { type: 'note', text: this.text.value };
    else if (this.freeTextAllowed) {
      body = { type: 'text', text: this.text.value, channel_account_id: this.account || undefined };
      try {
        if (this.channel === 'email') Object.assign(body, await this.email.values());
        else if (!this.mediaBox.hidden && this.mediaFiles.files.length) body.attachments = await readFiles(this.mediaFiles.files);
      } catch (error) { announce(`Could not read the files: ${error.message}`, true); return; }
    }
    else {
      const template = this.templates?.[Number(this.templateSelect?.value)];
      if (!template) { announce('Choose a template first', true); return; }
      body = { type: 'template', channel_account_id: this.account || undefined,
        template: { name: template.name, language: template.language, parameters: this.parameterInputs.map((input) => input.value) } };
    }
    if ((body.type !== 'template') && !body.text.trim() && !body.attachments?.length) return;
    this.busy = true;
    this.sendButton.disabled = true;
    try {
      await api('POST', `/api/v1/tickets/${this.ticket}/messages`, body);
      if (body.type === 'template') this.templateSelect.value = '', this.renderParameters();
      else this.text.value = '';
      if (body.type === 'text') { this.email.clear(); this.mediaFiles.value = ''; }
      this.previewBox.replaceChildren();
      announce(body.type === 'note' ? 'Note saved' : 'Reply queued');
      this.onSent();
    } catch (error) {
      announce(error.message, true);
    } finally {
      this.busy = false;
      this.sendButton.disabled = false;
    }
  }
}
