/**
 * Every diagnostic this language reports goes through here, so each carries its stable
 * `code` both as the LSP `code` (shown to users, printed by `inv check`) and in `data`
 * (where quick fixes find it, with the suggestion or feature they need).
 */
import type { AstNode, DiagnosticInfo, ValidationAcceptor, ValidationSeverity } from 'langium';
import type { IssueCode, IssueData } from '../issue-codes.js';

export type IssueLocation<N extends AstNode> = Omit<DiagnosticInfo<N>, 'code' | 'data'>;

export function reportIssue<N extends AstNode>(
    accept: ValidationAcceptor, severity: ValidationSeverity, code: IssueCode, message: string,
    where: IssueLocation<N>, extra: Omit<IssueData, 'code'> = {},
): void {
    const data: IssueData = { code, ...extra };
    accept(severity, message, { ...where, code, data } as DiagnosticInfo<N>);
}
