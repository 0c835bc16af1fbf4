// The REST API, API keys and outgoing webhooks.
export const api = {
  'api.invalid.scopes': 'Unknown scope(s): {given}. Known scopes: {known}.',
  'webhooks.invalid.url': 'A webhook URL must start with http:// or https:// (got "{url}").',
  'webhooks.invalid.events': 'Unknown event(s): {given}. Known events: {known}.',
  'webhooks.disabled_notice':
    'Webhook #{id} ({url}) is turned off: its deliveries have failed for {hours} hours (last error: {error}). Fix the receiver, then turn it back on with: leadline webhook enable {id}',
} as const;
