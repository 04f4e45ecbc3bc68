import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fromGraphQLErrors } from './errors';

describe('fromGraphQLErrors', () => {
  it('keeps the code, the rule and the Chinese message of a rule refusal', () => {
    const e = fromGraphQLErrors([{ message: '第一轮名额为 2 名', extensions: { code: 'RULE_VIOLATION', rule: 'EXCELLENCE_QUOTA_EXCEEDED' } }]);
    expect(e.code).toBe('RULE_VIOLATION');
    expect(e.rule).toBe('EXCELLENCE_QUOTA_EXCEEDED');
    expect(describeError(e)).toEqual({ title: '不符合规则', message: '第一轮名额为 2 名', rule: 'EXCELLENCE_QUOTA_EXCEEDED' });
  });
  it('treats an unknown or missing code as INTERNAL', () => {
    expect(fromGraphQLErrors([{ message: 'x', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]).code).toBe('INTERNAL');
    expect(fromGraphQLErrors([{ message: 'x' }]).code).toBe('INTERNAL');
  });
});

describe('describeError', () => {
  it('says FORBIDDEN and NOT_FOUND without the server’s wording (they are never told apart)', () => {
    expect(describeError(new ApiError('FORBIDDEN', 'detail'))).toEqual({ title: '无权查看或操作', message: '', rule: undefined });
    expect(describeError(new ApiError('NOT_FOUND', 'detail')).message).toBe('');
  });
  it('describes a thrown non-API error as a server error with its message', () => {
    expect(describeError(new Error('boom'))).toEqual({ title: '服务器出错', message: 'boom' });
  });
});
