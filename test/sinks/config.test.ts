import { loadConfig } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { sinkConfigSchema, tillLimitsOf } from '../../sinks/config';
import { development } from '../support/development';

describe('the sinks’ clock-skew and per-line settings', () => {
  it('default to 5 minutes and 10,000 units', () => {
    const config = loadConfig(sinkConfigSchema, development());
    expect(config).toMatchObject({ SINK_MAX_CLOCK_SKEW_S: 300, SINK_MAX_LINE_QUANTITY: 10_000 });
    expect(tillLimitsOf(config)).toEqual({ maxClockSkewMs: 300_000, maxLineQuantity: 10_000 });
  });

  it('take seconds and units from the environment', () => {
    expect(tillLimitsOf(loadConfig(sinkConfigSchema, development({ SINK_MAX_CLOCK_SKEW_S: '60', SINK_MAX_LINE_QUANTITY: '500' })))).toEqual({ maxClockSkewMs: 60_000, maxLineQuantity: 500 });
  });

  it('fail at start-up naming the key', () => {
    expect(() => loadConfig(sinkConfigSchema, development({ SINK_MAX_CLOCK_SKEW_S: '-1' }))).toThrow(expect.objectContaining({ key: 'SINK_MAX_CLOCK_SKEW_S' }));
    expect(() => loadConfig(sinkConfigSchema, development({ SINK_MAX_LINE_QUANTITY: 'lots' }))).toThrow(ConfigError);
  });
});
