/** The shape of a mapper rule's examples: a phrase and the rule-tree fragment it must give. */
import type { TestTenantId } from "../testing.ts";

export interface RuleExample {
  /** The request as a user types it. */
  phrase: string;
  /** Default online-retail (as of 2011-12-10); demo-retail is as of 2025-01-01. */
  tenant?: TestTenantId;
  asOf?: string;
  /** A fragment some node of the rule tree matches (keys left out are not checked). */
  has?: unknown;
  /** A pattern the root itself matches. */
  root?: unknown;
  /** A fragment no node may match. */
  lacks?: unknown;
  /** A question whose key starts with this must be asked; without it, none may be. */
  asks?: string;
  /** False for a phrase the rule must leave alone (default: the rule applies). */
  fires?: boolean;
}
