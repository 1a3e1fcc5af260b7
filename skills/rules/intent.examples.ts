/**
 * What a message in a conversation asks for, by rule: the message, whether the thread holds a
 * segment, the intent (and, for a new segment, the request it makes).
 */
import type { IntentResult } from "../types.ts";
export interface IntentExample {
  message: string;
  hasSegment: boolean;
  intent: IntentResult["intent"];
  request?: string;
  /** The message can only be an edit (refused on a thread with nothing to edit). */
  editOnly?: boolean;
}

export const INTENT_EXAMPLES: Record<string, IntentExample[]> = {
  explain: [
    { message: "explain it", hasSegment: true, intent: "explain" },
    { message: "what's in this segment?", hasSegment: true, intent: "explain" },
    { message: "can you summarise the conditions", hasSegment: true, intent: "explain" },
    { message: "what's the size now?", hasSegment: true, intent: "explain" },
    { message: "why is it so small?", hasSegment: true, intent: "explain" },
  ],
  "new-segment": [
    {
      message: "start over: customers who bought toys",
      hasSegment: true,
      intent: "create",
      request: "customers who bought toys",
    },
    {
      message: "new segment - Adidas buyers",
      hasSegment: true,
      intent: "create",
      request: "Adidas buyers",
    },
    {
      message: "different question, customers in Spain",
      hasSegment: true,
      intent: "create",
      request: "customers in Spain",
    },
  ],
  "no-segment": [
    {
      message: "customers in France",
      hasSegment: false,
      intent: "create",
      request: "customers in France",
    },
    { message: "undo that", hasSegment: false, intent: "create", editOnly: true },
    { message: "drop the country filter", hasSegment: false, intent: "create", editOnly: true },
    {
      message: "ok show me customers who bought bags",
      hasSegment: false,
      intent: "create",
      request: "customers who bought bags",
    },
  ],
  "version-move": [
    { message: "undo that", hasSegment: true, intent: "edit", editOnly: true },
    { message: "go back to version 2", hasSegment: true, intent: "edit", editOnly: true },
  ],
  "segment-question": [
    { message: "which filters are applied at the moment?", hasSegment: true, intent: "explain" },
    { message: "does that spend count returns?", hasSegment: true, intent: "explain" },
  ],
  aside: [
    { message: "btw did you see the match yesterday", hasSegment: true, intent: "off_topic" },
    { message: "off topic: is it raining in London?", hasSegment: true, intent: "off_topic" },
  ],
  "population-question": [
    { message: "how about the candle buyers", hasSegment: true, intent: "unclear" },
    { message: "what about people in Spain?", hasSegment: true, intent: "unclear" },
  ],
  "show-population": [
    {
      message: "now show me German customers instead",
      hasSegment: true,
      intent: "create",
      request: "German customers",
    },
    {
      message: "ok now I want a list of all our UK customers",
      hasSegment: true,
      intent: "create",
      request: "UK customers",
    },
  ],
  "value-question": [
    { message: "and Portugal?", hasSegment: true, intent: "unclear" },
    { message: "what about Japan?", hasSegment: true, intent: "unclear" },
  ],
  "leading-edit-cue": [
    { message: "only the ones who spent over £500", hasSegment: true, intent: "edit" },
    { message: "and who ordered at least 3 times", hasSegment: true, intent: "edit" },
    { message: "drop the country filter", hasSegment: true, intent: "edit", editOnly: true },
    { message: "make it Germany instead", hasSegment: true, intent: "edit", editOnly: true },
  ],
  "back-reference": [
    { message: "those in France", hasSegment: true, intent: "edit" },
    { message: "give them a spend floor of £200", hasSegment: true, intent: "edit" },
  ],
  population: [
    {
      message: "customers who bought toys",
      hasSegment: true,
      intent: "create",
      request: "customers who bought toys",
    },
    { message: "German customers instead", hasSegment: true, intent: "unclear" },
  ],
  "edit-cue": [
    { message: "btw, also exclude Germany", hasSegment: true, intent: "edit" },
    { message: "Belgium too", hasSegment: true, intent: "edit" },
    { message: "Spain as well", hasSegment: true, intent: "edit" },
  ],
  fragment: [
    { message: "over £500", hasSegment: true, intent: "edit" },
    { message: "in the last 6 months", hasSegment: true, intent: "edit" },
  ],
};
