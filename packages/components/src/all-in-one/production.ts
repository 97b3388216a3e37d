/**
 * Whether a stack is marked as production (pure): the `vamp:production` config flag, else a
 * stack name that says so (`prod`, `production`, `prd`, as a word: `shop-prod`, `prod-eu`).
 */
export function isProductionStack(stack: string, flag: boolean | undefined): { production: boolean; reason: string } {
  if (flag !== undefined) return { production: flag, reason: `config vamp:production is ${flag}` };
  const m = /(^|[^a-z0-9])(prod|production|prd)([^a-z0-9]|$)/i.exec(stack);
  return m
    ? { production: true, reason: `the stack name "${stack}" says production` }
    : { production: false, reason: `stack "${stack}" is not marked production` };
}
