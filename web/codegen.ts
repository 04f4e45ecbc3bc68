// Types for every operation the console sends, generated from the gateway's composed schema.
// `npm run codegen:check` (run by `make test`) fails when src/gql is stale against the schema.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../gateway/supergraph.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        // Operations as plain strings: the console's client is fetch, no GraphQL runtime in the bundle.
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { ID: 'string', Date: 'string', DateTime: 'string', Decimal: 'string' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
