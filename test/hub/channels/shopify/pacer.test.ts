import { Pacer } from '../../../../hub/channels/shopify/pacer';

describe('Pacer', () => {
  let now = 0;
  const clock = () => now;

  it('does not wait before Shopify has said anything', () => {
    expect(new Pacer(100, clock).reserveFor(10)).toBe(0);
  });

  it('waits until the bucket holds the cost plus the reserve, counting the refill', () => {
    const pacer = new Pacer(100, clock);
    now = 0;
    pacer.update({ maximumAvailable: 2000, currentlyAvailable: 60, restoreRate: 100 });
    // needs 110: 50 missing at 100 points/s
    expect(pacer.reserveFor(10)).toBe(500);
    // charged: the bucket is back at the reserve once the wait is over
    now = 500;
    expect(pacer.estimate()?.currentlyAvailable).toBeCloseTo(100);
    now = 1500;
    expect(pacer.reserveFor(10)).toBe(0);
  });

  it('never asks for more than the bucket can hold', () => {
    const pacer = new Pacer(100, clock);
    now = 0;
    pacer.update({ maximumAvailable: 50, currentlyAvailable: 0, restoreRate: 50 });
    expect(pacer.reserveFor(10)).toBe(1000);
  });

  it('an answer does not forget the points of calls still in flight', () => {
    const pacer = new Pacer(0, clock);
    now = 0;
    pacer.update({ maximumAvailable: 2000, currentlyAvailable: 40, restoreRate: 100 });
    expect([pacer.reserveFor(10), pacer.reserveFor(10), pacer.reserveFor(10)]).toEqual([0, 0, 0]);
    // the first answer comes back: Shopify has charged it, not the other two
    pacer.settle(10);
    pacer.update({ maximumAvailable: 2000, currentlyAvailable: 30, restoreRate: 100 });
    expect(pacer.estimate()?.currentlyAvailable).toBe(10);
    expect(pacer.reserveFor(20)).toBe(100);
  });

  it("takes Shopify's word after THROTTLED", () => {
    const pacer = new Pacer(0, clock);
    now = 0;
    pacer.update({ maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 });
    pacer.penalize({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 });
    expect(pacer.reserveFor(10)).toBe(100);
  });
});
