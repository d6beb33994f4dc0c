/** HTTP answers: one mapping from errors to statuses and bodies for every closer surface. */
export { ERROR_CATALOG, HTTP_ERRORS, CONFIG_ERRORS, errorAnswerSpec } from './error-catalog';
export {
  toErrorAnswer,
  errorEnvelope,
  API_SURFACE,
  INTAKE_SURFACE,
  RETRY_AFTER_SECONDS,
  type ErrorAnswer,
  type SurfaceCodes,
} from './error-answer';
export {
  errorHandler,
  rawErrorResponse,
  httpLayerAnswer,
  JSON_ANSWER,
  type HttpLayerCode,
  type AnswerFormat,
  type ErrorHandlerOptions,
} from './error-handler';
