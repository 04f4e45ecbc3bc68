import { describe, expect, it } from 'vitest';
import { landingScreen, screensFor, scopeOf, type Binding } from './roles';

const b = (role: Binding['role'], scopeId: string | null = null): Binding => ({ role, scopeKind: 'X', scopeId });

describe('screensFor', () => {
  it('denies by default: no roles, no screens', () => {
    expect(screensFor([])).toEqual([]);
  });
  it('gives the county overview to 编办, 组织部 and leaders only', () => {
    for (const role of ['STAFFING_OFFICE', 'ORG_DEPARTMENT', 'LEADERSHIP'] as const) {
      expect(screensFor([b(role)]).map((s) => s.id)).toContain('overview');
    }
    for (const role of ['DEPARTMENT_ADMIN', 'TOWNSHIP_ADMIN', 'COMMAND_CENTRE', 'CADRE', 'GRID_WORKER'] as const) {
      expect(screensFor([b(role)]).map((s) => s.id)).not.toContain('overview');
    }
  });
  it('gives the command centre the dispatch board and nothing of personnel', () => {
    expect(screensFor([b('COMMAND_CENTRE', 't1')]).map((s) => s.id)).toEqual(['dispatch', 'inbox']);
  });
  it('gives a cadre the dispatch board (own tasks) and my page', () => {
    expect(screensFor([b('CADRE', 'c1')]).map((s) => s.id)).toEqual(['dispatch', 'me', 'inbox']);
  });
  it('joins the screens of several roles in menu order', () => {
    expect(screensFor([b('CADRE', 'c1'), b('TOWNSHIP_ADMIN', 't1')]).map((s) => s.id))
      .toEqual(['quota', 'roster', 'dispatch', 'assessment', 'me', 'inbox']);
  });
  it('gives every role its 待办', () => {
    for (const role of ['STAFFING_OFFICE', 'ORG_DEPARTMENT', 'LEADERSHIP', 'DEPARTMENT_ADMIN', 'TOWNSHIP_ADMIN', 'AGENCY_HEAD', 'COMMAND_CENTRE', 'GRID_WORKER', 'CADRE'] as const) {
      expect(screensFor([b(role, 'x')]).map((s) => s.id)).toContain('inbox');
    }
  });
});

describe('landingScreen', () => {
  it('takes the screen asked for when it is the person’s', () => {
    expect(landingScreen([b('TOWNSHIP_ADMIN', 't1')], 'dispatch')).toBe('dispatch');
  });
  it('falls back to the first of the person’s screens when asked for another role’s', () => {
    expect(landingScreen([b('COMMAND_CENTRE', 't1')], 'overview')).toBe('dispatch');
    expect(landingScreen([], 'overview')).toBeUndefined();
  });
});

describe('scopeOf', () => {
  it('is the scope of the binding with that role', () => {
    expect(scopeOf([b('CADRE', 'c1'), b('DEPARTMENT_ADMIN', 'd1')], 'DEPARTMENT_ADMIN')).toBe('d1');
    expect(scopeOf([b('CADRE', 'c1')], 'TOWNSHIP_ADMIN')).toBeUndefined();
  });
});
