import { CircuitBreaker, type CircuitState } from '../../../../hub/channels/shopify/circuit';

describe('CircuitBreaker', () => {
  let now = 0;
  const states: CircuitState[] = [];
  const breaker = () => new CircuitBreaker({ failures: 3, openMs: 1000, maxOpenMs: 4000 }, (s) => states.push(s), () => now);

  beforeEach(() => {
    now = 0;
    states.length = 0;
  });

  it('opens after the configured run of failures, and a success in between resets the count', () => {
    const circuit = breaker();
    circuit.failure();
    circuit.failure();
    expect(circuit.success()).toBeNull();
    circuit.failure();
    circuit.failure();
    expect(circuit.state).toBe('closed');
    circuit.failure();
    expect(circuit.state).toBe('open');
    expect(circuit.waitMs()).toBe(1000);
  });

  it('lets one probe through after the open period, doubling it while probes fail, up to the cap', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i++) circuit.failure();
    now = 1000;
    expect(circuit.state).toBe('half-open');
    circuit.failure();
    expect(circuit.state).toBe('open');
    expect(circuit.waitMs()).toBe(2000);
    now = 3000;
    circuit.failure();
    now = 7000;
    circuit.failure();
    expect(circuit.waitMs()).toBe(4000);
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'open', 'half-open', 'open']);
  });

  it('reports when the outage began once it closes again', () => {
    const circuit = breaker();
    now = 100;
    circuit.failure();
    now = 200;
    circuit.failure();
    circuit.failure();
    now = 5000;
    expect(circuit.state).toBe('half-open');
    expect(circuit.success()).toBe(100);
    expect(circuit.state).toBe('closed');
    expect(circuit.outageSince).toBeNull();
  });
});
