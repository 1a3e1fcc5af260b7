import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "customers who spent over $500", asks: "foreign-currency:" },
  { phrase: "bought $1 items", asks: "foreign-currency:" },
  { phrase: "customers who spent more than 300 euros in 2011", asks: "foreign-currency:" },
  {
    phrase: "customers with an average order value between $20 and $40",
    asks: "foreign-currency:",
  },
  { phrase: "customers who spent over £500", fires: false },
  { phrase: "customers who spent over 500 pounds", fires: false },
];
