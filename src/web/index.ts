/**
 * Web: the live auction page (public/) served at `/`. It talks to the service only through the
 * public HTTP API and WebSocket, like any other client.
 */
export { pageRoutes } from './pageRoutes';
export { problemPages } from './problemPages';
