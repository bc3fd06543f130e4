// Runs the "Verify signature" Code node of docs/n8n/glavito-webhook-receiver.json the way n8n does (an async
// function body with $input, $env, require and this.helpers), on one request given on the command line.
// Usage: node n8n_code_node.js WORKFLOW SECRET ID TIMESTAMP BODY SIGNATURE  -> prints the node's output JSON.
const fs = require('fs');
const [workflowPath, secret, id, timestamp, body, signature] = process.argv.slice(2);
const workflow = JSON.parse(fs.readFileSync(workflowPath, 'utf8'));
const node = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.code');
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const run = new AsyncFunction('$input', '$env', 'require', node.parameters.jsCode);
const item = {
  json: { headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } },
  binary: { data: { data: Buffer.from(body).toString('base64') } },
};
const context = { helpers: { getBinaryDataBuffer: async () => Buffer.from(body, 'utf8') } };
run.call(context, { first: () => item }, { GLAVITO_WEBHOOK_SECRET: secret }, require)
  .then((out) => { console.log(JSON.stringify(out[0].json)); })
  .catch((error) => { console.error(error.message); process.exit(2); });
