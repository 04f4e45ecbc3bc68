import { describe, expect, it } from 'vitest';
import { actionNeeds, dateTime, percent, placesLeft, slaFlag } from './format';

describe('percent', () => {
  it('shows the report fraction 0.7191 as 71.9%', () => {
    expect(percent(0.7191)).toBe('71.9%');
    expect(percent(566 / 597)).toBe('94.8%');
  });
  it('shows a dash for a missing value, never NaN%', () => {
    expect(percent(null)).toBe('—');
    expect(percent(undefined)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
  });
});

describe('dateTime', () => {
  it('reads in Asia/Shanghai whatever the browser zone', () => {
    expect(dateTime('2026-11-30T16:30:00+00:00')).toBe('2026-12-01 00:30:00');
  });
  it('keeps what it cannot parse', () => {
    expect(dateTime('not a date')).toBe('not a date');
  });
});

describe('slaFlag', () => {
  it('marks overdue before warned', () => {
    expect(slaFlag({ warned: true, overdue: true }, 'DISPATCHED')).toBe('overdue');
    expect(slaFlag({ warned: true, overdue: false }, 'SIGNED')).toBe('warning');
    expect(slaFlag({ warned: false, overdue: false }, 'SIGNED')).toBeNull();
  });
  it('flags nothing on a closed, refused or duplicate event', () => {
    for (const state of ['CLOSED', 'REFUSED', 'DUPLICATE']) expect(slaFlag({ warned: true, overdue: true }, state)).toBeNull();
    expect(slaFlag(null, 'REPORTED')).toBeNull();
  });
});

describe('actionNeeds', () => {
  it('asks for what the API requires with each action', () => {
    expect(actionNeeds('REFUSE')).toBe('reason');
    expect(actionNeeds('RETURN')).toBe('reason');
    expect(actionNeeds('VERIFY_FAIL')).toBe('reason');
    expect(actionNeeds('REOPEN')).toBe('reason');
    expect(actionNeeds('DISPATCH')).toBe('leadUnit');
    expect(actionNeeds('ASSIGN')).toBe('assignee');
    expect(actionNeeds('FEEDBACK')).toBe('closingReason');
    expect(actionNeeds('MARK_DUPLICATE')).toBe('duplicateOf');
    expect(actionNeeds('ACCEPT')).toBe('none');
    expect(actionNeeds('SIGN')).toBe('none');
  });
});

describe('placesLeft', () => {
  it('is the quota less used and ticked, never negative', () => {
    expect(placesLeft(5, 1, 2)).toBe(2);
    expect(placesLeft(5, 0, 7)).toBe(0);
    expect(placesLeft(null, 0, 1)).toBeNull();
  });
});
