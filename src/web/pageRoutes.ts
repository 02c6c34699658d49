import path from 'node:path';
import express from 'express';
import { apiRouter, documentHeaders, noQuerySchema, type DocumentedRouter } from '../platform';

/** public/ beside src/ and dist/ alike. */
export const PUBLIC_DIR = path.resolve(__dirname, '../../public');
const UPLOT_DIR = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

/** GET / (the live auction page) and its static assets. The page uses only the public API. */
export function pageRoutes(publicDir = PUBLIC_DIR): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    {
      tag: 'Page',
      method: 'get',
      path: '/',
      operationId: 'getLivePage',
      query: noQuerySchema,
      summary: 'The live auction page',
      description: 'The live auction page: plain JavaScript over this API and the WebSocket at /ws.',
      responses: { 200: { description: 'HTML', contentType: 'text/html', schema: { type: 'string' } } },
    },
    (req, res, next) => {
      documentHeaders(req, res, (error?: unknown) =>
        error ? next(error) : res.sendFile('index.html', { root: publicDir, maxAge: 0 }),
      );
    },
  );
  router.use(express.static(publicDir, { index: false, maxAge: '5m', fallthrough: true }));
  // The analysts' chart: uPlot (MIT, about 50 KB), served from its package, no build step.
  router.use('/vendor/uplot', express.static(UPLOT_DIR, { index: false, maxAge: '1d', fallthrough: true }));
  return router;
}
