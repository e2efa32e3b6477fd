import { manualClock, todayOf } from '../../src/shared/clock';
import { dateTime, londonDay, longDate, shortDate, ukDate } from '../../src/shared/dates';

/** Issue 27 item 5: one module formats every date people see, in London, and says what day it is there. */

describe('londonDay', () => {
  it('turns the day at midnight in London: 23:00 UTC in summer time, 00:00 UTC in winter', () => {
    expect(londonDay(Date.parse('2026-06-10T22:59:59Z'))).toBe('2026-06-10');
    expect(londonDay(Date.parse('2026-06-10T23:00:00Z'))).toBe('2026-06-11');
    expect(londonDay(Date.parse('2026-12-07T23:59:59Z'))).toBe('2026-12-07');
    expect(londonDay(Date.parse('2026-12-08T00:00:00Z'))).toBe('2026-12-08');
  });

  it('is what todayOf reads from a clock, which a test can move', () => {
    const clock = manualClock(Date.parse('2026-03-28T23:30:00Z'));
    expect(todayOf(clock)).toBe('2026-03-28'); // the last night of GMT
    clock.advance(24 * 3_600_000);
    expect(todayOf(clock)).toBe('2026-03-30'); // 00:30 BST
  });
});

describe('the formatters', () => {
  it('read a day as that day, and an instant in London', () => {
    expect(longDate('2027-03-27')).toBe('27 March 2027');
    expect(longDate(new Date('2026-06-10T23:30:00Z'))).toBe('11 June 2026');
    expect(longDate('2026-06-10T23:30:00Z')).toBe('11 June 2026');
    expect(shortDate('2027-03-03')).toBe('3 Mar 2027');
    expect(shortDate(new Date('2026-06-10T23:30:00Z'))).toBe('11 Jun 2026');
    expect(dateTime('2026-06-10T13:05:00Z')).toBe('10 June 2026 at 14:05'); // BST
    expect(dateTime(new Date('2026-12-07T14:05:00Z'))).toBe('7 December 2026 at 14:05');
  });

  it('answer nothing for what is not a date, and ukDate gives back what is not a real day', () => {
    expect(longDate(null)).toBe('');
    expect(longDate('nonsense')).toBe('');
    expect(dateTime(undefined)).toBe('');
    expect(shortDate('not a day')).toBe('');
    expect(ukDate('2027-02-30')).toBe('2027-02-30');
    expect(ukDate('2027-02-28')).toBe('28 February 2027');
  });
});
