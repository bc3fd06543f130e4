/* Glavito web chat widget. Served as /widget/<channelId>.js with its settings in place of the config below.
 * Plain JavaScript, no build step, no third-party requests: it talks only to the server it was loaded from.
 * Protocol and embedding: docs/webchat.md. */
(function () {
  "use strict";
  var config = /*GLAVITO_CONFIG*/{};
  var script = document.currentScript;
  if (!config.channel || !script || !script.src || window["glavitoWebChat:" + config.channel]) { return; }
  window["glavitoWebChat:" + config.channel] = true;

  var origin = new URL(script.src);
  var socketURL = (origin.protocol === "https:" ? "wss://" : "ws://") + origin.host + "/webchat/" + config.channel;
  var storageKey = "glavito.webchat." + config.channel;
  var pending = {};           // client id -> frame, until acknowledged (resent after a reconnect)
  var shown = {};             // message ids (and client ids) already on screen
  var socket = null;
  var retry = 0;
  var typingTimer = null;
  var lastTypingSent = 0;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function save(state) {
    try { window.localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode: session only */ }
  }
  function clientID() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // --- The view, in a shadow root so the page's CSS cannot reach it. ---
  // A custom element name: page rules for div and the like do not match the host.
  var host = el("glavito-webchat", { "data-channel": config.channel });
  var root = host.attachShadow({ mode: "open" });
  var css = [
    ":host{all:initial;display:block}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;",
    "background:var(--brand);color:#fff;font-size:26px;line-height:56px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #111;outline-offset:2px}",
    ".panel{position:fixed;right:16px;bottom:84px;z-index:2147483000;width:360px;max-width:calc(100vw - 16px);height:520px;",
    "max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;color:#111;border-radius:12px;",
    "box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "@media (max-width:480px){.panel{right:0;left:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}}",
    "header{background:var(--brand);color:#fff;padding:12px 14px;display:flex;align-items:center;justify-content:space-between}",
    "header h2{margin:0;font-size:16px;font-weight:600}",
    "header button{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;min-width:44px;min-height:44px}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}",
    ".msg{max-width:80%;padding:8px 11px;border-radius:12px;font-size:15px;line-height:1.4;overflow-wrap:anywhere;white-space:normal}",
    ".msg p{margin:0 0 6px}.msg p:last-child{margin:0}.msg a{color:inherit}",
    ".msg a.file{display:block;margin-top:4px}.msg a.file img{display:block;max-width:100%;max-height:240px;border-radius:8px}",
    ".agent{align-self:flex-start;background:#fff;border:1px solid #e3e5e8}",
    ".visitor{align-self:flex-end;background:var(--brand);color:#fff}",
    ".visitor.pending{opacity:.6}",
    ".status{font-size:13px;color:#555;padding:0 12px;min-height:18px}",
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #e3e5e8;background:#fff}",
    "textarea,input{flex:1;font-size:16px;padding:8px;border:1px solid #c8ccd2;border-radius:8px;resize:none;min-width:0}",
    "form button{background:var(--brand);color:#fff;border:0;border-radius:8px;padding:0 14px;min-height:44px;font-size:15px;cursor:pointer}",
    ".identify{flex-wrap:wrap}.identify p{margin:0;width:100%;font-size:13px;color:#555}"
  ].join("");
  // A constructed stylesheet is not an inline style for the page's Content-Security-Policy; <style> is the fallback.
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = el("style");
    style.textContent = css;
    root.appendChild(style);
  }
  host.style.setProperty("--brand", config.color || "#2563eb");

  var launcher = el("button", { "class": "launcher", type: "button", "aria-label": "Open chat with " + config.title,
                                "aria-expanded": "false", "aria-controls": "glavito-panel" }, "\u{1F4AC}");
  var panel = el("section", { "class": "panel", id: "glavito-panel", role: "dialog", "aria-label": "Chat with " + config.title, hidden: "" });
  var header = el("header");
  header.appendChild(el("h2", {}, config.title));
  var close = el("button", { type: "button", "aria-label": "Close chat" }, "\u00D7");
  header.appendChild(close);
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  var status = el("div", { "class": "status", "aria-live": "polite" });
  var form = el("form", { "aria-label": "Send a message" });
  var input = el("textarea", { rows: "1", maxlength: "5000", "aria-label": "Your message", placeholder: "Write a message\u2026" });
  var send = el("button", { type: "submit" }, "Send");
  var attach = el("button", { type: "button", "aria-label": "Attach an image or PDF" }, "\u{1F4CE}");
  var picker = el("input", { type: "file", hidden: "", accept: "image/png,image/jpeg,image/webp,application/pdf" });
  form.appendChild(attach);
  form.appendChild(picker);
  form.appendChild(input);
  form.appendChild(send);
  var identify = el("form", { "class": "identify", "aria-label": "Leave your email or phone" });
  identify.appendChild(el("p", {}, "Leave your email or phone so we can reach you and recognise you next time."));
  var email = el("input", { type: "email", autocomplete: "email", "aria-label": "Email", placeholder: "Email" });
  var phone = el("input", { type: "tel", autocomplete: "tel", "aria-label": "Phone", placeholder: "Phone" });
  var saveButton = el("button", { type: "submit" }, "Save");
  identify.appendChild(email);
  identify.appendChild(phone);
  identify.appendChild(saveButton);
  [header, log, status, identify, form].forEach(function (node) { panel.appendChild(node); });
  root.appendChild(launcher);
  root.appendChild(panel);
  if (load().identified) { identify.hidden = true; }

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { connect(); input.focus(); } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { setOpen(false); } });

  // A file of a message: an image shown inline, anything else a download link; by name only while it has no
  // signed link (the server signs paths on its own host, valid for an hour; a reconnect brings fresh ones).
  function fileView(file) {
    var url = typeof file.url === "string" && file.url.charAt(0) === "/" ? origin.origin + file.url : null;
    if (!url) { return el("div", {}, "\u{1F4CE} " + file.filename); }
    var link = el("a", { href: url, target: "_blank", rel: "noopener", "class": "file" });
    if (file.kind === "image" && /^image\/(png|jpeg|webp)$/.test(file.mime_type || "")) {
      var image = el("img", { src: url, alt: file.filename, loading: "lazy" });
      link.appendChild(image);
    } else {
      link.setAttribute("download", file.filename);
      link.textContent = "\u{1F4CE} " + file.filename;
    }
    return link;
  }

  function show(message, pendingID) {
    var key = message.id || pendingID;
    if (message.client_id && shown[message.client_id]) {
      shown[message.client_id].classList.remove("pending");
      return;
    }
    if (key && shown[key]) { return; }
    var bubble = el("div", { "class": "msg " + (message.from === "agent" ? "agent" : "visitor") + (pendingID ? " pending" : "") });
    // The server renders html from escaped text (only http, https and mailto links survive).
    if (message.html) { bubble.innerHTML = message.html; } else { bubble.textContent = message.text || ""; }
    (message.attachments || []).forEach(function (file) { bubble.appendChild(fileView(file)); });
    if (message.from === "agent") { bubble.setAttribute("aria-label", config.title + " wrote"); }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
    if (key) { shown[key] = bubble; }
    if (message.client_id) { shown[message.client_id] = bubble; }
  }

  function transmit(frame) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function connect() {
    if (socket && socket.readyState <= 1) { return; }
    socket = new WebSocket(socketURL);
    socket.onopen = function () {
      retry = 0;
      status.textContent = "";
      transmit({ type: "hello", token: load().token || null });
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "welcome") {
        var state = load();
        state.token = frame.token;
        save(state);
      } else if (frame.type === "history") {
        if (!frame.messages.length && !log.childNodes.length && config.greeting) {
          show({ from: "agent", text: config.greeting });
        }
        frame.messages.forEach(function (message) { show(message); });
        Object.keys(pending).forEach(function (id) { transmit(pending[id]); });
      } else if (frame.type === "message") {
        status.textContent = "";
        show(frame);
      } else if (frame.type === "ack") {
        delete pending[frame.id];
        if (shown[frame.id]) { shown[frame.id].classList.remove("pending"); }
      } else if (frame.type === "typing") {
        status.textContent = config.title + " is typing\u2026";
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { status.textContent = ""; }, 6000);
      } else if (frame.type === "identified") {
        var saved = load();
        saved.identified = true;
        save(saved);
        identify.hidden = true;
        status.textContent = "Thanks, we will recognise you.";
      } else if (frame.type === "error") {
        if (frame.code === "invalid-token") { save({}); }
        if (frame.id) { delete pending[frame.id]; }
        status.textContent = frame.message;
      }
    };
    socket.onclose = function () {
      socket = null;
      if (panel.hidden && !Object.keys(pending).length) { return; }
      retry = Math.min(retry + 1, 6);
      status.textContent = "Reconnecting\u2026";
      setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    queue({ type: "message", id: clientID(), text: text }, { from: "visitor", text: text });
  });
  function queue(frame, message) {
    pending[frame.id] = frame;
    message.client_id = frame.id;
    show(message, frame.id);
    if (!transmit(frame)) { connect(); }
  }
  attach.addEventListener("click", function () { picker.click(); });
  picker.addEventListener("change", function () {
    var file = picker.files && picker.files[0];
    picker.value = "";
    if (!file) { return; }
    if (file.size > 2 * 1024 * 1024) { status.textContent = "Files may have at most 2 MB."; return; }
    var reader = new FileReader();
    reader.onload = function () {
      var data = String(reader.result).split(",")[1] || "";
      queue({ type: "file", id: clientID(), name: file.name, data: data },
            { from: "visitor", text: "", attachments: [{ filename: file.name }] });
    };
    reader.readAsDataURL(file);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTypingSent > 3000) { lastTypingSent = now; transmit({ type: "typing" }); }
  });
  identify.addEventListener("submit", function (event) {
    event.preventDefault();
    var frame = { type: "identify" };
    if (email.value.trim()) { frame.email = email.value.trim(); }
    if (phone.value.trim()) { frame.phone = phone.value.trim(); }
    if (frame.email || frame.phone) { transmit(frame); }
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
