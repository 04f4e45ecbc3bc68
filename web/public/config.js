// Where the console finds the identity service and the gateway. tools/console_server.py answers
// /config.js itself from its environment; this file is what `npm run dev` serves.
window.CONSOLE_CONFIG = {
  authority: 'http://127.0.0.1:4001',
  gateway: 'http://127.0.0.1:4000/graphql',
  clientId: 'county-web',
};
