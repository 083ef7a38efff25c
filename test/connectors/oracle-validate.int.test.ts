/**
 * No Oracle can run here, so the production connector config is checked by the running Connect
 * worker's validation endpoint: every setting must be accepted, and the only error allowed is
 * the worker failing to reach the (unresolvable) production hostname.
 */
import { readConnector } from '../support/connectors';
import { stack } from '../support/kafka';

interface Validation {
  name: string;
  error_count: number;
  // Connect 4.3 reports some internal settings with a null value.
  configs: Array<{ value: { name: string; errors: string[] } | null }>;
}

describe('production Oracle connector config', () => {
  it('passes Kafka Connect validation except for connecting to the ERP host', async () => {
    const { name, config } = readConnector('production/erp-oracle.json');
    const response = await fetch(
      `${stack.CONNECT_URL}/connector-plugins/${config['connector.class']}/config/validate`,
      { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...config, name }) },
    );
    expect(response.status).toBe(200);
    const validation = (await response.json()) as Validation;

    const failing = validation.configs.flatMap((c) => (c.value && c.value.errors.length > 0 ? [c.value] : []));
    expect(failing.map((c) => c.name)).toEqual(['database.hostname']);
    expect(validation.error_count).toBe(1);
    for (const error of failing[0]!.errors) expect(error).toMatch(/unable to connect/i);
  });
});
