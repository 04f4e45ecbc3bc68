/** Where the identity service and the gateway are: read from /config.js, which the server that
 * serves the console writes from its environment (so one build runs anywhere). */
export interface ConsoleConfig {
  authority: string;
  gateway: string;
  clientId: string;
  /** The demo's mail sink, readable in the browser (`make run` only; absent in production). */
  mailbox?: string;
}

declare global {
  interface Window {
    CONSOLE_CONFIG?: Partial<ConsoleConfig>;
  }
}

export const config: ConsoleConfig = {
  authority: 'http://127.0.0.1:4001',
  gateway: 'http://127.0.0.1:4000/graphql',
  clientId: 'county-web',
  ...(typeof window !== 'undefined' ? window.CONSOLE_CONFIG : {}),
};
