/** The API's error contract (docs/api.md): every error carries extensions.code, a rule refusal
 * also extensions.rule; messages are Chinese, for people. This turns them into what a screen shows. */

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RULE_VIOLATION'
  | 'NETWORK'
  | 'INTERNAL';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; rule?: string; detail?: string };
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly rule?: string;
  readonly detail?: string;

  constructor(code: ErrorCode, message: string, rule?: string, detail?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.rule = rule;
    this.detail = detail;
  }
}

const KNOWN: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'RULE_VIOLATION',
]);

/** The first error of a GraphQL response as an ApiError (unknown codes count as INTERNAL). */
export function fromGraphQLErrors(errors: GraphQLErrorShape[]): ApiError {
  const first = errors[0];
  const raw = first?.extensions?.code ?? 'INTERNAL';
  const code = (KNOWN.has(raw) ? raw : 'INTERNAL') as ErrorCode;
  return new ApiError(code, first?.message ?? '未知错误', first?.extensions?.rule, first?.extensions?.detail);
}

const TITLES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '无权查看或操作',
  BAD_USER_INPUT: '输入有误',
  NOT_FOUND: '未找到（或无权查看）',
  CONFLICT: '数据已变化，请刷新后重试',
  RULE_VIOLATION: '不符合规则',
  NETWORK: '无法连接服务器',
  INTERNAL: '服务器出错',
};

/** What a person reads: a title for the kind of error and, where the API gave one, its message
 * (a rule refusal names its rule so a caseworker can look it up in the rules list). */
export function describeError(error: unknown): { title: string; message: string; rule?: string } {
  if (error instanceof ApiError) {
    const message = error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND' ? '' : error.message;
    return { title: TITLES[error.code], message, rule: error.rule };
  }
  return { title: TITLES.INTERNAL, message: error instanceof Error ? error.message : String(error) };
}
