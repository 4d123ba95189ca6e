// markdown-it exports its rules as modules, but @types/markdown-it declares none of them.
declare module 'markdown-it/lib/rules_block/table.mjs' {
  import type StateBlock from 'markdown-it/lib/rules_block/state_block.mjs';

  export default function table(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean;
}
