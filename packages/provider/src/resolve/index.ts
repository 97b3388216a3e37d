export { resolveSet, type SetOptions, type SetProblem } from "./set";
export { allocatePort, AUTO_PORTS } from "./ports";
