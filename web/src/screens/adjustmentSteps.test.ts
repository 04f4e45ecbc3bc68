import { describe, expect, it } from 'vitest';
import { adjustmentSteps } from './adjustmentSteps';

const states = (a: Parameters<typeof adjustmentSteps>[0]) => adjustmentSteps(a).map((s) => `${s.key}:${s.state}`);

describe('adjustmentSteps', () => {
  it('waits on the organisation department after submission', () => {
    expect(states({ kind: 'TRANSFER', status: 'SUBMITTED' })).toEqual(['submit:done', 'org:current', 'effective:todo']);
  });
  it('asks the township about a head change once the organisation department approved', () => {
    expect(states({ kind: 'HEAD_CHANGE', status: 'SUBMITTED', orgReview: 'APPROVED' }))
      .toEqual(['submit:done', 'org:done', 'township:current', 'effective:todo']);
  });
  it('shows a disagreement as advice that waits for the organisation department', () => {
    expect(states({ kind: 'HEAD_CHANGE', status: 'SUBMITTED', orgReview: 'APPROVED', townshipOpinion: 'DISAGREE' }))
      .toEqual(['submit:done', 'org:done', 'township:done', 'answer:current', 'effective:todo']);
  });
  it('shows where a refusal stopped it and nothing as current', () => {
    expect(states({ kind: 'HEAD_CHANGE', status: 'REJECTED', orgReview: 'APPROVED', townshipOpinion: 'DISAGREE', opinionAnswer: '尊重属地意见' }))
      .toEqual(['submit:done', 'org:done', 'township:done', 'answer:refused', 'effective:todo']);
  });
  it('asks the township when the sitting head leaves', () => {
    expect(states({ kind: 'OUT', status: 'SUBMITTED', orgReview: 'APPROVED', townshipOpinionNeeded: true }))
      .toEqual(['submit:done', 'org:done', 'township:current', 'effective:todo']);
  });
  it('is done when effective', () => {
    expect(states({ kind: 'TRANSFER', status: 'EFFECTIVE', orgReview: 'APPROVED' })).toEqual(['submit:done', 'org:done', 'effective:done']);
  });
});
