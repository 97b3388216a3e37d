export { parsePeriod, addPeriods, lastTick, type Period } from "./period";
export { timeDue, eventDue, type TimeState, type TimeDecision } from "./due";
