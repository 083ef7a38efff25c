/** The Shopify channel as the dashboard sees it: its /metrics when it runs, "unknown" when not. */
import express from 'express';
import { readShopifyChannel } from '../../../../hub/ops/dashboard/sources/shopify';
import { timeboxed } from '../../../../hub/ops/dashboard/section';
import { listen } from '../../../support/listen';

describe('Shopify channel metrics', () => {
  it('reads the throttle, the circuit, the queue and the parked count from the channel', async () => {
    const app = express();
    app.get('/metrics', (_req, res) => {
      res.type('text/plain').send(
        [
          '# TYPE stockhub_shopify_throttle_available gauge',
          'stockhub_shopify_throttle_available{service="shopify-channel"} 880',
          'stockhub_shopify_throttle_maximum{service="shopify-channel"} 1000',
          'stockhub_shopify_circuit_state{service="shopify-channel"} 1',
          'stockhub_shopify_push_queue{service="shopify-channel"} 17',
          'stockhub_shopify_parked{service="shopify-channel"} 2',
        ].join('\n'),
      );
    });
    const served = await listen(app);
    try {
      expect(await readShopifyChannel(`${served.url}/metrics`)).toEqual({ throttleAvailable: 880, throttleMaximum: 1000, circuit: 'open', pushQueue: 17, parked: 2 });
    } finally {
      await served.close();
    }
  });

  it('is unavailable, not an error, when the channel does not run', async () => {
    const section = await timeboxed('Shopify channel', 1_000, () => readShopifyChannel('http://127.0.0.1:9/metrics')).read();
    expect(section).toMatchObject({ status: 'unavailable', error: expect.stringMatching(/^Shopify channel: fetch failed/) });
  });
});
