export { printCondition, type ConditionError } from "./ast";
export { parseCondition } from "./parse";
export { scan, type Token } from "./scanner";
export { toDnf, MAX_TERMS, type Atom, type Literal } from "./dnf";
