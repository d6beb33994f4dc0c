import { Router } from 'express';
import type { GenesysHealth } from '../genesys';

/**
 * `GET /v1/genesys`: closer's connection to Genesys as last checked (status, token, each
 * permission, problems with their fixes, the last error); `?check=1` runs a check first.
 */
export function genesysRoute(deps: { health: GenesysHealth }): Router {
  const router = Router();
  router.get('/genesys', async (req, res) => {
    const report =
      req.query.check === '1' || req.query.check === 'true'
        ? await deps.health.check()
        : deps.health.report();
    res.json(report);
  });
  return router;
}
