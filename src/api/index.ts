export { ApiError, API_ERRORS, type ApiErrorCode } from './api-error';
export { bearerAuth } from './bearer-auth';
export { opsRoutes } from './ops-routes';
export { terminateRoute, terminateRequestSchema, ON_DEMAND_RULE_ID } from './terminate-route';
export { genesysRoute } from './genesys-route';
export { diagnoseRoutes } from './diagnose-routes';
