/**
 * Names the function and the CDK app share, so that the dashboard reads exactly the series the
 * function writes.
 */
export const SERVICE_NAME = 'connect-views';
export const METRICS_NAMESPACE = 'ConnectViews';

/**
 * The only custom metrics the service emits (EMF, dimension `service` only, written when the event
 * happens). Each is a billed series, so each is on the dashboard; per-operation figures come from
 * the request log instead, at no metric cost.
 */
export const BUSINESS_METRICS = ['VersionsPublished', 'StaleShaRejections'] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];
