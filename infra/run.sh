#!/usr/bin/env bash
# `make run`: PostgreSQL, migrations, the demo tenant, two workers and the control plane, in the foreground.
# Ctrl-C stops the control plane, the workers and PostgreSQL gracefully; the next run reuses the cluster and data.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

"$here/postgres.sh" start
set -a; . "$root/.data/glavito.env"; set +a
export GLAVITO_HTTP_PORT="${GLAVITO_HTTP_PORT:-8080}"
export GLAVITO_BASE_DOMAIN="${GLAVITO_BASE_DOMAIN:-localhost}"
export GLAVITO_LOG_FORMAT="${GLAVITO_LOG_FORMAT:-text}"

# The master key wrapping tenant data keys: generated once into .data/master.key (mode 600), never committed.
if [ -z "${GLAVITO_MASTER_KEY:-}" ] && [ -z "${GLAVITO_MASTER_KEY_FILE:-}" ]; then
  if [ ! -s "$root/.data/master.key" ]; then
    (umask 077; bin/glavito keys generate > "$root/.data/master.key")
    echo "run.sh: generated a master key in .data/master.key (back it up: without it encrypted data is lost)"
  fi
  export GLAVITO_MASTER_KEY_FILE="$root/.data/master.key"
fi

bin/glavito migrate

# The demo's WhatsApp channel talks to a local fake of Meta's Graph API (Tests/fakes/fake_meta.py), so it works
# end to end offline. Its secrets are generated once into .data/demo-channels.env (mode 600, git-ignored).
if [ ! -s "$root/.data/demo-channels.env" ]; then
  (umask 077; {
    echo "GLAVITO_DEMO_WHATSAPP_TOKEN=demo-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    echo "GLAVITO_DEMO_WHATSAPP_APP_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    echo "GLAVITO_DEMO_WHATSAPP_VERIFY_TOKEN=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
  } > "$root/.data/demo-channels.env")
fi
set -a; . "$root/.data/demo-channels.env"; set +a
export GLAVITO_DEMO_GRAPH_PORT="${GLAVITO_DEMO_GRAPH_PORT:-8091}"
export GLAVITO_DEMO_GRAPH_URL="http://127.0.0.1:$GLAVITO_DEMO_GRAPH_PORT/v21.0"
export GLAVITO_ATTACHMENTS_DIR="${GLAVITO_ATTACHMENTS_DIR:-$root/.data/attachments}"

# Demo users get generated passwords on first run, kept only in .data/demo-logins.txt (git-ignored).
applied="$(bin/glavito tenants apply tenants/ --logins-file "$root/.data/demo-logins.txt")"
echo "$applied"
demo_channel="$(sed -n "s/^demo: channel 'Northwind WhatsApp' [a-z]* \([0-9a-f-]*\)$/\1/p" <<<"$applied")"
demo_webchat="$(sed -n "s/^demo: channel 'Website chat' [a-z]* \([0-9a-f-]*\)$/\1/p" <<<"$applied")"

server_pid=""
fake_pid=""
shutdown() {
  trap - INT TERM
  echo
  echo "run.sh: stopping"
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$fake_pid" ] && kill -TERM "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null || true
  "$here/workers.sh" stop || true
  "$here/postgres.sh" stop || true
  exit 0
}
trap shutdown INT TERM

python3 "$root/Tests/fakes/fake_meta.py" --port "$GLAVITO_DEMO_GRAPH_PORT" > "$root/.data/fake-meta.out" 2> "$root/.data/fake-meta.log" &
fake_pid=$!
"$here/workers.sh" scale "${GLAVITO_WORKERS:-2}"
bin/glavito serve &
server_pid=$!

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$GLAVITO_HTTP_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: the control plane failed to start" >&2; shutdown; }
  sleep 0.2
done

# Register the demo number with the fake: its webhooks go to the demo channel, and it knows one approved template.
demo_fake() { curl -fsS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$GLAVITO_DEMO_GRAPH_PORT$1" -d "$2" >/dev/null; }
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$GLAVITO_DEMO_GRAPH_PORT/_fake/state" >/dev/null 2>&1 && break; sleep 0.1; done
if [ -n "$demo_channel" ]; then
  demo_fake /_fake/whatsapp/accounts "{\"phone_number_id\":\"109876543210001\",\"waba_id\":\"209876543210001\",\"access_token\":\"$GLAVITO_DEMO_WHATSAPP_TOKEN\",\"app_secret\":\"$GLAVITO_DEMO_WHATSAPP_APP_SECRET\",\"webhook_url\":\"http://127.0.0.1:$GLAVITO_HTTP_PORT/webhooks/whatsapp/$demo_channel\"}" \
    || echo "run.sh: the fake Graph API did not take the demo account (see .data/fake-meta.log)" >&2
  demo_fake /_fake/templates '{"waba_id":"209876543210001","templates":[{"name":"order_update","language":"en","body":"Hello {{1}}, your order {{2}} is on its way."}]}' || true
fi

cat <<MSG

  Glavito is running.
    Demo workspace:   http://demo.$GLAVITO_BASE_DOMAIN:$GLAVITO_HTTP_PORT/
    Health:           http://127.0.0.1:$GLAVITO_HTTP_PORT/readyz   metrics: /metrics
    Workers:          $("$here/workers.sh" status | head -n 1)   (scale with: make workers N=4)
    Sign in at:       http://demo.$GLAVITO_BASE_DOMAIN:$GLAVITO_HTTP_PORT/login
    Demo logins (tenant, role, email, password; kept in .data/demo-logins.txt):
$(sed 's/^/      /' "$root/.data/demo-logins.txt" 2>/dev/null || echo "      none")
    WhatsApp (offline): a customer writes to the demo number through the local fake Graph API:
      curl -X POST -H 'Content-Type: application/json' http://127.0.0.1:$GLAVITO_DEMO_GRAPH_PORT/_fake/whatsapp/webhook \\
        -d '{"phone_number_id":"109876543210001","messages":[{"from":"4915112345678","id":"wamid.demo'\$RANDOM'","timestamp":"'\$(date +%s)'","type":"text","text":{"body":"Hi, where is my order?"}}],"contacts":[{"profile":{"name":"Lena"},"wa_id":"4915112345678"}]}'
      then GET /api/v1/tickets and reply with POST /api/v1/tickets/<id>/messages (docs/conversations.md); the fake
      records what was sent: http://127.0.0.1:$GLAVITO_DEMO_GRAPH_PORT/_fake/sent
    Email (SMTP listener on 127.0.0.1:${GLAVITO_SMTP_PORT:-2525}, docs/email.md): a customer writes to support@northwind.test:
      python3 -c 'import smtplib; smtplib.SMTP("127.0.0.1", ${GLAVITO_SMTP_PORT:-2525}).sendmail("lena@example.org", ["support@northwind.test"], b"From: Lena <lena@example.org>\r\nSubject: Where is my order?\r\n\r\nHi, my beans did not arrive.\r\n")'
      replies need a relay: GLAVITO_SMTP_RELAY_HOST (and _PORT, _SECURITY, _USERNAME, _PASSWORD) before make run
    Web chat widget (embed on any page of the demo's host, docs/webchat.md):
      <script src="http://demo.$GLAVITO_BASE_DOMAIN:$GLAVITO_HTTP_PORT/widget/$demo_webchat.js" defer></script>
  Press Ctrl-C to stop everything.

MSG
wait "$server_pid" || true
shutdown
