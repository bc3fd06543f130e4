// Collision detection: a heartbeat says "I am viewing this ticket" every 10 s (and "I am typing" while typing);
// the answer lists everyone viewing; live events (agent.viewing, agent.typing, agent.left, visitor.typing) from
// other agents update the bar at once. See docs/workspace.md.
import { api, boot, el } from './api.js';

const heartbeatMs = 10000;
const typingShownMs = 6000;

export class Presence {
  constructor(ticket, bar) {
    this.ticket = ticket;
    this.bar = bar;
    this.viewers = [];
    this.typingUntil = new Map();
    this.lastTypingBeat = 0;
  }

  start() {
    this.beat();
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.leave = () => this.stop(true);
    window.addEventListener('pagehide', this.leave);
  }

  stop() {
    clearInterval(this.timer);
    clearInterval(this.redraw);
    window.removeEventListener('pagehide', this.leave);
    if (this.stopped) return;
    this.stopped = true;
    api('DELETE', `/api/v1/tickets/${this.ticket}/presence`, undefined, { keepalive: true }).catch(() => {});
  }

  async beat(typing = false) {
    if (this.stopped) return;
    try {
      const answer = await api('POST', `/api/v1/tickets/${this.ticket}/presence`, { typing });
      this.viewers = answer.viewers.filter((viewer) => viewer.user_id !== boot.user.id);
      for (const viewer of this.viewers) if (viewer.typing && !this.typingUntil.has(viewer.user_id)) this.typingUntil.set(viewer.user_id, Date.now() + typingShownMs);
      this.render();
    } catch { /* the next heartbeat tries again */ }
  }

  // Called on input in the composer: at most one typing heartbeat every 2 s.
  typing() {
    if (Date.now() - this.lastTypingBeat < 2000) return;
    this.lastTypingBeat = Date.now();
    this.beat(true);
  }

  onEvent(event) {
    const user = event.data?.user_id;
    if (user === boot.user.id) return;
    if (event.type === 'visitor.typing') {
      this.typingUntil.set('customer', Date.now() + typingShownMs);
    } else if (event.type === 'agent.typing') {
      this.typingUntil.set(user, Date.now() + typingShownMs);
      if (!this.viewers.some((viewer) => viewer.user_id === user)) this.viewers.push({ user_id: user, name: event.data.user_name || 'An agent' });
    } else if (event.type === 'agent.viewing') {
      if (!this.viewers.some((viewer) => viewer.user_id === user)) this.viewers.push({ user_id: user, name: event.data.user_name || 'An agent' });
    } else if (event.type === 'agent.left') {
      this.viewers = this.viewers.filter((viewer) => viewer.user_id !== user);
      this.typingUntil.delete(user);
    }
    this.render();
  }

  render() {
    const now = Date.now();
    for (const [key, until] of this.typingUntil) if (until < now) this.typingUntil.delete(key);
    const parts = [];
    for (const viewer of this.viewers) {
      const typing = this.typingUntil.has(viewer.user_id);
      parts.push(el('span', { class: typing ? 'viewer typing' : 'viewer', 'data-user': viewer.user_id },
        el('span', { class: 'avatar', 'aria-hidden': 'true' }, (viewer.name || '?').slice(0, 1).toUpperCase()),
        typing ? `${viewer.name} is typing…` : `${viewer.name} is viewing`));
    }
    if (this.typingUntil.has('customer')) parts.push(el('span', { class: 'viewer typing customer' }, 'The customer is typing…'));
    this.bar.replaceChildren(...parts);
    this.bar.hidden = parts.length === 0;
    clearTimeout(this.redraw);
    if (this.typingUntil.size) this.redraw = setTimeout(() => this.render(), 1000);
  }
}
