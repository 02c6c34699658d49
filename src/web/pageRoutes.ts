import path from 'node:path';
import { apiRouter, documentHeaders, noQuerySchema, type DocumentedRouter } from '../platform';
import { hashedAssets, sendBuilt } from './staticAssets';

/** The web app as `npm run web:build` leaves it (web/dist), beside src/ and dist/ alike. */
export const WEB_DIST = path.resolve(__dirname, '../../web/dist');

/**
 * GET / (the live auction page) and its files. The page is a typed web app over the public API
 * (web/): index.html is revalidated on every visit, the files it names carry a hash of their
 * content and are cached for a year.
 */
export function pageRoutes(webDist = WEB_DIST): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    {
      tag: 'Page',
      method: 'get',
      path: '/',
      operationId: 'getLivePage',
      query: noQuerySchema,
      summary: 'The live auction page',
      description: 'The live auction page: a web app over this API and the WebSocket at /ws.',
      responses: { 200: { description: 'HTML', contentType: 'text/html', schema: { type: 'string' } } },
    },
    (req, res, next) => {
      documentHeaders(req, res, (error?: unknown) => {
        if (error) return next(error);
        if (!sendBuilt(webDist, 'index.html', 'no-cache', res, req.headers['accept-encoding']))
          next(new Error(`the web app is not built (${webDist}): run npm run web:build`));
      });
    },
  );
  route(
    {
      tag: 'Page',
      method: 'get',
      path: '/assets/:name',
      operationId: 'getPageFile',
      query: noQuerySchema,
      summary: "A file of the live page (a script or a style sheet), named by its content's hash",
      description:
        'The files the live page names: brotli or gzip when the client takes it, and cached for a year (`Cache-Control: public, max-age=31536000, immutable`): a new build names new files.',
      params: { name: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$' } },
      responses: {
        200: {
          description: 'The file',
          contentTypes: ['text/javascript', 'text/css'],
          schema: { type: 'string' },
        },
      },
      problems: { 404: ['NOT_FOUND'] },
    },
    hashedAssets(webDist),
  );
  return router;
}
