/**
 * The scale benchmark's ten typical requests: one per kind of condition the compiler has a form
 * for (lifetime columns, monthly tables, lines), and a combination. Shared with the test that
 * checks a scaled tenant counts k× the members.
 */
export const REQUESTS: { label: string; request: string }[] = [
  { label: "lifetime spend", request: "customers whose total spend is above £1,000" },
  { label: "order count", request: "customers with at least 5 orders" },
  { label: "AOV", request: "customers with an average order value over £300" },
  { label: "country", request: "customers in Germany" },
  {
    label: "category in a month",
    request: "customers who bought Christmas decorations in November 2011",
  },
  { label: "not ordered since", request: "customers who haven't ordered since September 2011" },
  {
    label: "day-precise window",
    request: "customers who spent more than £500 between 3 March 2011 and 17 May 2011",
  },
  { label: "product word", request: "customers who bought lunch bags" },
  { label: "X but never Y", request: "customers who bought kitchen items but never textiles" },
  {
    label: "combination",
    request:
      "UK customers with at least 5 orders who bought Christmas decorations in November 2011 but haven't ordered since December 2011",
  },
];
