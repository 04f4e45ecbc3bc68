// Compose gateway/subgraphs/*.graphql into gateway/supergraph.graphql with
// @theguild/federation-composition. `node compose.mjs --check` fails when the checked-in
// supergraph differs from a fresh composition (or when composition fails).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { composeServices } from '@theguild/federation-composition';

const here = dirname(fileURLToPath(import.meta.url));
// Default (dev) locations; the gateway config overrides them from the environment.
const subgraphs = [
  ['identity', 'http://127.0.0.1:4001/graphql'],
  ['personnel', 'http://127.0.0.1:4002/graphql'],
  ['assessment', 'http://127.0.0.1:4003/graphql'],
  ['platform', 'http://127.0.0.1:4004/graphql'],
  ['notifications', 'http://127.0.0.1:4005/graphql'],
];

const result = composeServices(
  subgraphs.map(([name, url]) => ({
    name,
    url,
    typeDefs: parse(readFileSync(join(here, 'subgraphs', `${name}.graphql`), 'utf8')),
  })),
);

if (result.errors && result.errors.length) {
  for (const e of result.errors) console.error(`composition error: ${e.message}`);
  process.exit(1);
}

const target = join(here, 'supergraph.graphql');
const sdl = result.supergraphSdl.trimEnd() + '\n';
if (process.argv.includes('--check')) {
  if (!existsSync(target) || readFileSync(target, 'utf8') !== sdl) {
    console.error('gateway/supergraph.graphql is stale — run `make supergraph`');
    process.exit(1);
  }
  console.log('supergraph up to date');
} else {
  writeFileSync(target, sdl);
  console.log(`wrote ${target}`);
}
