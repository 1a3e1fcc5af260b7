/**
 * The rules tier's edit skill: types the message's tokens with the language skills, then
 * tries the edit rules in order (rules.ts) against the current segment's conditions.
 */
import type { EditPlan } from "../../../state/edit.ts";
import { EditError } from "../../../segment/edit-ops.ts";
import type { EditInput, EditSkill, SkillContext } from "../../types.ts";
import { analyse, type LanguageSkills } from "./analyse.ts";
import { buildFrame, EDIT_PRODUCER, listConditions, refuse } from "./frame.ts";
import { EDIT_RULES } from "./rules.ts";

export { EDIT_PRODUCER };

export async function understandEdit(
  input: EditInput,
  ctx: SkillContext,
  skills: LanguageSkills,
): Promise<EditPlan> {
  const a = await analyse(input.text, ctx, skills);
  const frame = buildFrame(input, a, ctx, skills);
  const tried: string[] = [];
  for (const rule of EDIT_RULES) {
    if (!rule.applies(frame)) continue;
    tried.push(rule.name);
    let result: Awaited<ReturnType<typeof rule.apply>>;
    try {
      result = await rule.apply(frame);
    } catch (err) {
      // A rule whose operations do not fit the tree has not understood it; the next may.
      if (err instanceof EditError) continue;
      throw err;
    }
    if (result)
      return {
        ...result,
        rules: [...tried.slice(0, -1).map((n) => `${n}:skipped`), ...result.rules],
      };
  }
  return {
    ...refuse(
      "none",
      "edit_not_understood",
      `I could not tell how to change the segment from "${input.text}". Its conditions are: ${listConditions(frame)}. Say e.g. "only those who spent over £500", "drop the country filter" or "make it Germany instead".`,
    ),
    rules: tried.map((n) => `${n}:skipped`),
  };
}

export function rulesEditSkill(skills: LanguageSkills): EditSkill {
  return { understand: (input, ctx) => understandEdit(input, ctx, skills) };
}
