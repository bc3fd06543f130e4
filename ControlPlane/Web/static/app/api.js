// The workspace's access to the control plane: JSON requests with the session's CSRF token, RFC 9457 problems as
// errors, the page's boot facts, and small DOM helpers.
export const boot = JSON.parse(document.getElementById('boot').textContent);

export const can = (permission) => boot.permissions.includes(permission);

export class ProblemError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.problem = problem;
    this.status = status;
  }
}

export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = boot.csrf;
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', keepalive: options.keepalive === true,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = parse(await response.text());
  if (!response.ok) throw new ProblemError(data, response.status);
  return data;
}

// The API writes UUIDs in upper case, event streams and data in lower case: ids are compared in lower case.
const uuid = /"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"/g;
function parse(text) {
  try { return JSON.parse(text.replace(uuid, (id) => id.toLowerCase())); } catch { return {}; }
}

// el('div', {class: 'x', onclick: f}, 'text', child…): an element with attributes, listeners and children.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'html') node.innerHTML = value; // only ever server-rendered, sanitised HTML
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function timeLabel(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const seconds = (Date.now() - date.getTime()) / 1000;
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export const channelNames = { whatsapp: 'WhatsApp', instagram: 'Instagram', webchat: 'Web chat', email: 'Email' };

export function channelBadge(channel) {
  return el('span', { class: `badge ch-${channel}`, title: channelNames[channel] || channel }, channelNames[channel] || channel);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// The live region that announces outcomes to screen readers and sighted users alike.
export function announce(text, isError = false) {
  const region = document.getElementById('toast') || document.body.appendChild(el('div', { id: 'toast', role: 'status', 'aria-live': 'polite' }));
  region.textContent = text;
  region.className = isError ? 'toast error' : 'toast';
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { region.className = 'toast hidden'; }, 4000);
}
