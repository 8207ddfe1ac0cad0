import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addViewsService } from '../../lib/app.ts';

/** What a production deployment must be given: somewhere for the alarms to go. */
export const ALARM_EMAIL = 'oncall@example.com';

/**
 * The service's stacks as the app builds them, with an alarm email unless the context says
 * otherwise (`alarmEmail: undefined` leaves it out). Bundling is skipped unless asked for:
 * template assertions do not need the Lambda code, and one test bundles for real.
 */
export function synthesizeService(context: Record<string, unknown> = {}, options: { bundle?: boolean; outdir?: string } = {}) {
  const app = new App({
    context: { ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), alarmEmail: ALARM_EMAIL, ...context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const service = addViewsService(app);
  return {
    app,
    ...service,
    dataTemplate: () => Template.fromStack(service.data),
    apiTemplate: () => Template.fromStack(service.api),
  };
}
