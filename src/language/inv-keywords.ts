/**
 * The words the grammar reserves. A name equal to one of them (`data`, `count`) must be
 * written in backticks; completion and rename use this to write names back correctly.
 */
import { AstUtils, GrammarAST, type Grammar } from 'langium';

const cache = new WeakMap<Grammar, ReadonlySet<string>>();

export function reservedWords(grammar: Grammar): ReadonlySet<string> {
    let words = cache.get(grammar);
    if (!words) {
        words = new Set(
            AstUtils.streamAllContents(grammar)
                .filter(GrammarAST.isKeyword)
                .map((k) => k.value)
                .filter((v) => /^[_a-zA-Z]\w*$/.test(v)),
        );
        cache.set(grammar, words);
    }
    return words;
}
