export { Route, type RouteArgs } from "./resource";
