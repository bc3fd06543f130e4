// The live WebSocket (/api/v1/live): one subscription per connection; changing topics reconnects and resumes from
// the last cursor, so no event is missed or repeated; a dropped connection reconnects with back-off and resumes.
export class Live {
  constructor({ onEvent, onStatus, onResumed }) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onResumed = onResumed;
    this.cursor = null;
    this.topics = [];
    this.attempt = 0;
    this.socket = null;
    this.refused = [];
  }

  setTopics(topics) {
    const wanted = [...new Set(topics)].sort();
    if (this.socket && wanted.join() === this.topics.join()) return;
    this.topics = wanted;
    this.connect();
  }

  connect() {
    clearTimeout(this.retry);
    const previous = this.socket;
    if (previous) { this.socket = null; previous.close(1000); }
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`);
    this.socket = socket;
    const resuming = this.cursor !== null;
    socket.addEventListener('open', () => {
      const subscribe = { type: 'subscribe', topics: this.topics, batch: true };
      if (this.cursor) subscribe.after = this.cursor;
      socket.send(JSON.stringify(subscribe));
    });
    socket.addEventListener('message', (message) => {
      if (this.socket !== socket) return;
      const frame = JSON.parse(message.data);
      if (frame.type === 'subscribed') {
        this.cursor = frame.cursor;
        this.refused = frame.refused || [];
        this.attempt = 0;
        this.onStatus('live');
        if (resuming && this.wasDown) this.onResumed?.();
        this.wasDown = false;
      } else if (frame.type === 'event') {
        this.cursor = frame.cursor;
        this.onEvent(frame);
      } else if (frame.type === 'events') {
        for (const event of frame.events) this.onEvent(event);
        this.cursor = frame.cursor;
      } else if (frame.type === 'error' && frame.code === 'bad-cursor') {
        this.cursor = null;
      }
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.wasDown = true;
      this.onStatus('offline');
      const delay = Math.min(10000, 250 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
      this.retry = setTimeout(() => this.connect(), delay);
    });
  }
}
