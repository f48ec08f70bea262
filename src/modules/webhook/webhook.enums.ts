import { registerEnumType } from 'type-graphql';

/** Whether a webhook receives deliveries. */
export enum WebhookStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

/** How one delivery attempt ended. */
export enum WebhookDeliveryStatus {
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookStatus, {
  name: 'WebhookStatus',
  description: 'Whether a webhook receives deliveries.',
  valuesConfig: {
    ACTIVE: { description: 'Events are delivered (failed ones are retried with growing delays).' },
    DISABLED: { description: 'Nothing is delivered; `disabledReason` says why. `updateWebhook(enabled: true)` resumes where it stopped.' },
  },
});

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'How one delivery attempt ended.',
  valuesConfig: {
    SUCCEEDED: { description: 'The receiver answered 2xx; the hook moved on to the next event.' },
    FAILED: { description: 'No 2xx answer (an error status, a redirect, a timeout, a refused address); the event is retried.' },
  },
});
