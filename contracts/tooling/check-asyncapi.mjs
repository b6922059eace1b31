// Parse an AsyncAPI document with the official parser (@asyncapi/parser) and exit non-zero on
// any error, so `make test` fails on a contract other agencies' tools would reject.
//   node check-asyncapi.mjs ../asyncapi.yaml [--strict]   (--strict: warnings fail too)
// File $refs (events/*.json) are resolved relative to the document, as a consumer's tool would.
import { Parser, fromFile } from '@asyncapi/parser';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const path = args.find((a) => !a.startsWith('--'));
if (!path) {
  console.error('usage: node check-asyncapi.mjs <asyncapi.yaml> [--strict]');
  process.exit(2);
}

const SEVERITY = ['error', 'warning', 'info', 'hint'];
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, path).parse();
let failed = document === undefined;
for (const d of diagnostics) {
  const level = SEVERITY[d.severity] ?? String(d.severity);
  if (d.severity === 0 || (strict && d.severity === 1)) failed = true;
  if (d.severity <= 1) console.log(`${level}: ${d.code}: ${d.message} at /${d.path.join('/')}`);
}
if (failed) {
  console.log(`${path}: rejected by @asyncapi/parser`);
  process.exit(1);
}
const channels = document.channels().length;
const messages = document.messages().length;
const operations = document.operations().length;
console.log(`${path}: AsyncAPI ${document.version()} accepted (${channels} channels, ${operations} operations, ${messages} messages)`);
