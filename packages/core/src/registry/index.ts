/**
 * The registry's rules: promotion and rollback by compare-and-swap of the live pointer.
 * @example
 * import { promoteVersion, rollbackLive } from "@tollgate/core/registry";
 */
export { legacyHistory, nextHistory } from "./live-history.ts";
export {
  approveVersion,
  type ManualDecision,
  promoteVersion,
  recordDecision,
  rejectVersion,
  rollbackLive,
} from "./promotion.ts";
