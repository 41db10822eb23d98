/**
 * Names written in backticks (`` `Beak Length (mm)` ``, `` `data` ``) are the name without
 * the backticks: that is what matches a CSV header and what references resolve against.
 */
import { DefaultValueConverter, type CstNode, type GrammarAST, type ValueType } from 'langium';

export class InvValueConverter extends DefaultValueConverter {
    protected override runConverter(rule: GrammarAST.AbstractRule, input: string, cstNode: CstNode): ValueType {
        if (rule.name === 'QUOTED_NAME') return input.slice(1, -1);
        return super.runConverter(rule, input, cstNode);
    }
}
